# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"The WSGI middleware of the deployment (config: [wsgi middleware])"
from werkzeug.exceptions import HTTPException


class HTTPErrors:
    """Answer the HTTP errors that trytond raises before its own error
    handling (a request from a foreign Origin is aborted with 403) as
    themselves: left alone they reach the WSGI server as a crash, a 500"""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            return self.app(environ, start_response)
        except HTTPException as error:
            return error(environ, start_response)
