# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import ValidationError


class VolunteerError(ValidationError):
    "A volunteer the rules do not allow"


class ActivityError(ValidationError):
    "A sign-up, check-in or service hours the activity does not allow"


class EmergencyError(ValidationError):
    "An emergency mobilisation step the rules do not allow"


class WishError(ValidationError):
    "A micro-wish step the rules do not allow"


class OrderError(ValidationError):
    "A service order step the rules do not allow"
