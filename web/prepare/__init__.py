"""Getting ready for the video meeting: the camera and microphone test (no Jitsi needed)."""

from flask import Blueprint

blueprint = Blueprint("prepare", __name__)

from web.prepare import routes  # noqa: E402, F401  (registers the views on `blueprint`)
