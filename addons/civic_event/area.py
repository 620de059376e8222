# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import math

from sql import Literal, Null

from trytond.backend import MAX_QUERY_PARAMS
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from civic_grid.area import path_ids
from civic_grid.scope import is_id

# The area levels of the loops above the grid, by their XML ids: the codes
# are the administrator's to change
ANCESTOR_LEVELS = {
    'community': 'level_community',
    'street': 'level_street',
    'county': 'level_county',
    }


class Area(metaclass=PoolMeta):
    __name__ = 'civic.area'
    latitude = fields.Float(
        "Latitude", digits=(9, 6),
        domain=['OR', ('latitude', '=', None),
            [('latitude', '>=', -90), ('latitude', '<=', 90)]],
        help="The centre of the area: Open311 reports by position go to "
        "the grid whose centre is nearest.")
    longitude = fields.Float(
        "Longitude", digits=(9, 6),
        domain=['OR', ('longitude', '=', None),
            [('longitude', '>=', -180), ('longitude', '<=', 180)]])

    @classmethod
    def ancestors_by_level(cls, area_ids):
        """Return {area id: {'community': id, 'street': id, 'county': id}}
        from the areas' materialized paths"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        loops = {ModelData.get_id('civic_grid', xml_id): key
            for key, xml_id in ANCESTOR_LEVELS.items()}
        area = cls.__table__()
        cursor = Transaction().connection.cursor()
        area_ids = list({a for a in area_ids if is_id(a)})
        paths = {}
        for sub_ids in grouped_slice(area_ids, MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            cursor.execute(*area.select(area.id, area.path,
                    where=area.id.in_(sub_ids)))
            paths.update(cursor)
        wanted = {a for i, p in paths.items() for a in path_ids(i, p)}
        wanted.update(area_ids)
        level_of = {}
        for sub_ids in grouped_slice(list(wanted), MAX_QUERY_PARAMS):
            sub_ids = list(sub_ids)
            cursor.execute(*area.select(
                    area.id, area.level, where=area.id.in_(sub_ids)))
            level_of.update(cursor)
        result = {}
        for area_id in area_ids:
            chain = path_ids(area_id, paths.get(area_id))
            found = {}
            for ancestor in chain:
                key = loops.get(level_of.get(ancestor))
                if key:
                    found[key] = ancestor
            result[area_id] = found
        return result

    @classmethod
    def nearest_grid(cls, latitude, longitude, within=None):
        """Return the id of the grid whose centre is nearest to the position,
        among the grids below within if given; None without any"""
        pool = Pool()
        Level = pool.get('civic.area.level')
        area = cls.__table__()
        level = Level.__table__()
        cursor = Transaction().connection.cursor()
        # Equirectangular distance: exact enough inside a district
        scale = math.cos(math.radians(latitude)) ** 2
        dlat = area.latitude - latitude
        dlon = area.longitude - longitude
        where = ((level.is_grid == Literal(True))
            & (area.active == Literal(True))
            & (area.latitude != Null) & (area.longitude != Null))
        if within:
            where &= area.id.in_(cls.search([
                        ('parent', 'child_of', [within]),
                        ], order=[], query=True))
        cursor.execute(*area.join(level,
                condition=area.level == level.id).select(area.id,
                where=where,
                order_by=[(dlat * dlat + dlon * dlon * scale).asc,
                    area.id.asc],
                limit=1))
        row = cursor.fetchone()
        return row[0] if row else None
