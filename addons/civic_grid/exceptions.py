# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class LevelError(ValidationError):
    pass


class IDNumberError(ValidationError):
    pass


class DateRangeError(ValidationError):
    pass


class HouseholdError(ValidationError):
    pass


class SensitiveSearchError(AccessError):
    pass


class SensitiveWriteError(AccessError):
    pass


class ContactError(ValidationError):
    "A phone number or an e-mail address that cannot be one"


class RosterError(UserError):
    pass
