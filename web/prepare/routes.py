"""/camera-test: a live preview and a microphone level, all inside the citizen's browser.

Nothing is recorded or sent: the page's script only shows the camera and measures the
microphone. It needs no booking and no Jitsi server, so the manage page and the meeting page
can both link to it. Its Permissions-Policy allows camera and microphone for this origin only.
"""

from __future__ import annotations

from flask import Response, make_response, render_template

from web.prepare import blueprint
from web.security import PERMISSIONS_POLICY

CAMERA_POLICY = PERMISSIONS_POLICY.replace("camera=()", "camera=(self)", 1).replace(
    "microphone=()", "microphone=(self)", 1
)


@blueprint.get("/camera-test")
def camera_test() -> Response:
    response = make_response(render_template("prepare/camera_test.html"))
    response.headers["Permissions-Policy"] = CAMERA_POLICY
    return response
