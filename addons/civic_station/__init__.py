# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
# The map's and the rider phone's routes register on trytond's WSGI
# application when the module is imported
from . import routes  # noqa: F401
