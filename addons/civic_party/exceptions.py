# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import ValidationError


class OrganisationError(ValidationError):
    "An organisation placed where the Party's structure does not allow"


class MemberError(ValidationError):
    "A membership the rules do not allow"


class ReportError(ValidationError):
    "A dual report the rules do not allow"


class ListError(ValidationError):
    "An entry of the three lists that does not fit"


class MeetingError(ValidationError):
    "A meeting or its follow-up that does not fit"
