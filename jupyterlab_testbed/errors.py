"""The one error type the server's checks raise for the page.

Its message is written for the student and goes back as JSON; the handlers
turn it into the reply, so the checks and subprocess helpers need no
tornado.
"""


class RequestError(Exception):
    """A failure whose message is meant for the student, sent as JSON."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status
