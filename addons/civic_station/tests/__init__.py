# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
