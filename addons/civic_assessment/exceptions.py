# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model.exceptions import ValidationError


class PlanError(ValidationError):
    "An assessment plan the rules do not allow"


class RunError(ValidationError):
    "An assessment run or step the rules do not allow"


class ScoreError(ValidationError):
    "A manual score the rules do not allow"


class WorkReportError(ValidationError):
    "A work report that cannot be written"
