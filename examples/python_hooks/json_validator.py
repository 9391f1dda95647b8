"""Lets through only messages whose payload is a JSON object; anything else
under the validated topics is dropped and republished under a dead-letter
topic (deadletter/<original topic>) for someone to look at.

    [plugins.options]
    script = "examples/python_hooks/json_validator.py"
    validate = "sensors/#"             # optional: the topics checked
    dead_letter_prefix = "deadletter/"  # optional
"""
import json

import starling

VALIDATE = starling.options.get("validate", "sensors/#")
DEAD_LETTER = starling.options.get("dead_letter_prefix", "deadletter/")


def problem(payload):
    """Why `payload` is not a JSON object, or None when it is one."""
    try:
        document = json.loads(payload)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError alike
        return f"not JSON: {error}"
    if not isinstance(document, dict):
        return f"JSON {type(document).__name__}, not an object"
    return None


@starling.on_message(filter=VALIDATE)
def validate(message):
    why = problem(message.payload)
    if why is None:
        return None
    starling.debug(f"json_validator: {message.topic}: {why}")
    starling.publish(DEAD_LETTER + message.topic, message.payload, qos=message.qos)
    return starling.DROP
