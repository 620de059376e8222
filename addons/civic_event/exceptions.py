# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import AccessError, ValidationError


class EventError(ValidationError):
    "An event with values the rules do not allow"


class HandlerError(AccessError):
    "A step on an event outside the user's level or scope"


class WorkflowError(ValidationError):
    "A step the event's state does not allow"


class StatisticsError(ValidationError):
    "A statistics period that is not one"
