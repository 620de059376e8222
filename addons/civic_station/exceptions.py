# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import ValidationError


class StationError(ValidationError):
    "A station's data or step the rules do not allow"


class VisitError(ValidationError):
    "A station visit the rules do not allow"


class RiderError(ValidationError):
    "A rider's data, appointment or report the rules do not allow"


class SuggestionError(ValidationError):
    "A suggestion or answer the rules do not allow"
