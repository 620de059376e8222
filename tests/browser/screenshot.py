#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Screenshots of the sao web client, logged in as the Chinese demo users.

Run through scripts/screenshot, which installs Chromium, chromedriver, the
CJK fonts and selenium first.  Without a URL, scripts/run is started on a
free port (8010 and up) with the existing database and stopped at the end.
The PNG files go to var/screenshots/ and their paths are printed.

The first screens (`first`, or `first_<login>`) are what each demo user
sees right after logging in, with Chromium in Chinese (first_<login>_zh)
and in English (first_<login>_en); for the Chinese ones, the visible
labels without a Chinese character are printed (untranslated labels)."""
import argparse
import base64
import functools
import os
import re
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tests.rpc import RunningServer  # noqa: E402

PASSWORD = 'civicgrid2026'
CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--window-size=1400,900',
    ]
WIDTH, HEIGHT = 1400, 900
# seconds for one screen to load (the machine may be busy)
TIMEOUT = int(os.environ.get('SCREENSHOT_TIMEOUT', 120))

# menu labels (zh_CN translations of the civic_grid menus)
MENU_ROOT = '网格治理'
MENU_AREA_TREE = '区域树'
MENU_RESIDENTS = '居民'
MENU_STATISTICS = '区域统计'
MENU_BREAKDOWN = '区域分项统计'
MENU_VISITS = '走访记录'
# and of the civic_points menus
MENU_POINTS = '积分超市'
MENU_REDEEM = '核销兑换券'
MENU_MY_REDEMPTIONS = '我的核销记录'
MENU_VOUCHERS = '兑换券'
MENU_MONTHLY_POINTS = '月度积分统计'
MENU_RANKINGS = '积分评比'
MENU_AWARD = '积分登记'
# and of the civic_event menus
MENU_EVENTS_ROOT = '网格事件'
MENU_EVENTS = '事件办理'
MENU_EVENTS_ALL = '全部'
EVENT_HISTORY_PAGE = '办理记录'
MENU_EVENT_STATISTICS = '统计分析'
MENU_EVENTS_PER_MONTH = '网格事件月度统计'
MENU_EVENTS_PER_LEVEL = '网格事件分级统计'
# and of the civic_party menus
MENU_PARTY = '党建引领'
MENU_PARTY_TREE = '党组织树'
MENU_PARTY_MEMBERS = '党员'
MENU_PARTY_COMMITTEE = '大党委'
MENU_PARTY_RESOURCES = '资源清单'
MENU_PARTY_NEEDS = '需求清单'
MENU_PARTY_PROJECTS = '项目清单'
MENU_PARTY_STATISTICS = '党建统计'
PARTY_ALL = '全部'
# the list the member unit's contact opens on
PARTY_MEMBER_REPORTS = '党员报到'
MENU_PROPERTY = '红色物业'
MENU_PROPERTY_COMPANIES = '物业服务企业'
MENU_PROPERTY_COVERAGE = '两个覆盖'
MENU_PROPERTY_STATISTICS = '红色物业统计'
MENU_PROPERTY_PROJECTS = '认领服务项目'
MENU_PROPERTY_DECISIONS = '三方联动议定事项'
MENU_PROPERTY_OWNERS = '业委会（物管会、自管会）'
MENU_PROPERTY_COMPLAINTS = '物业投诉'
MENU_PROPERTY_COMPLAINT_MONTHS = '物业投诉月度统计'
MENU_PROPERTY_EVALUATIONS = '季度考评'
MENU_PROPERTY_DEDUCTIONS = '物业费抵扣'
# the list the property company's staff opens on
PROPERTY_LOGS = '党建联建工作日志'

# civic_volunteer's menus
MENU_VOLUNTEER = '志愿服务'
MENU_VOLUNTEER_ACTIVITIES = '志愿服务活动'
MENU_VOLUNTEER_EMERGENCY_ROOT = '平急融合'
MENU_VOLUNTEER_EMERGENCY = '应急动员'
MENU_VOLUNTEER_STATISTICS = '统计分析'
MENU_VOLUNTEER_HOURS = '服务时长月度统计'
VOLUNTEER_BOARD_PAGE = '报到看板'
VOLUNTEER_LOGIN = 'volunteer'

# civic_station's menus
MENU_ASSESSMENT = '考核评估'
MENU_ASSESSMENT_RED_FLAGS = '红旗'
MENU_ASSESSMENT_SHEETS = '评估表'
MENU_STATION = '暖“新”驿站'
MENU_STATION_LIST = '驿站'

# the member unit's contact (scripts/users.py)
UNIT_LOGIN = 'unit'
# the first screens: who logs in, with which password
FIRST_LOGINS = [
    ('admin', 'admin'),
    ('civic_admin', PASSWORD),
    ('street', PASSWORD),
    ('community', PASSWORD),
    ('gridworker', PASSWORD),
    ('merchant', PASSWORD),
    ]
# and in which languages: (suffix, Chromium's --lang, Accept-Language)
FIRST_LANGUAGES = [
    ('zh', 'zh-CN', 'zh-CN,zh'),
    ('en', 'en-US', 'en-US,en'),
    ]
# a wizard sao opens by itself: in a dialog (not the login or password
# one) or in a tab
WIZARD = ('.modal:not(.login-dialog):not(.ask-dialog) .modal-dialog, '
    '#tabcontent .wizard')
# the labels searched for untranslated words
LABELS = ', '.join([
        '#menu .treeview td', '.nav-tabs a', '.treeview th',
        '.tab-pane.active label', '.tab-pane.active button',
        '.modal-dialog label'])
CJK = re.compile('[\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff'
    '\uf900-\ufaff\uff00-\uffef]')

SCREENS = [
    'login', 'area_tree', 'resident_form', 'area_statistics',
    'area_statistics_graph',
    'gridworker_residents', 'gridworker_resident_form', 'voucher_form',
    'points_monthly_graph',
    'merchant_redeem', 'merchant_redeemed', 'merchant_redemptions',
    'event_list', 'event_form', 'event_statistics_graph',
    'event_level_graph', 'breakdown_graph', 'gridworker_visits',
    'event_area_picker', 'ranking_year', 'award_holders',
    'party_tree', 'party_member_form', 'party_resources', 'party_needs',
    'party_projects', 'party_statistics', 'unit_first',
    'property_log_form', 'property_companies', 'property_coverage',
    'property_statistics', 'property_projects', 'property_decisions',
    'property_owners', 'property_complaints', 'property_complaint_months',
    'property_deductions', 'property_evaluation',
    'volunteer_activity', 'volunteer_emergency', 'volunteer_certificate',
    'volunteer_hours_graph', 'station_form', 'station_map',
    'assessment_red_flags', 'assessment_sheet', 'assessment_report',
    'assessment_report_appendix',
    'first'] + [f'first_{login}' for login, _ in FIRST_LOGINS]


def say(message):
    print(f'==> {message}', file=sys.stderr, flush=True)


# The server: tests/rpc.py starts scripts/run the way the server test does ---

def answers(url):
    try:
        with urllib.request.urlopen(url + '/', timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


# The browser ---------------------------------------------------------------

class Client:
    "One Chromium with a fresh profile, logged into sao as one user"

    def __init__(self, url, database, out_dir, language=None):
        "language: (--lang, Accept-Language), else Chromium's default"
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        self.url = url
        self.database = database
        self.out_dir = out_dir
        self.wanted = set()
        self.profile = tempfile.TemporaryDirectory(
            prefix='civic-screenshot-chromium-')
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f'--user-data-dir={self.profile.name}')
        # the console's errors are printed when a screen fails
        options.set_capability('goog:loggingPrefs', {'browser': 'SEVERE'})
        if language:
            lang, accept = language
            options.add_argument(f'--lang={lang}')
            options.add_experimental_option('prefs', {
                    'intl.accept_languages': accept})
        self.driver = webdriver.Chrome(
            service=Service(CHROMEDRIVER), options=options)
        # --window-size includes the (invisible) browser frame in headless
        # mode: fix the viewport itself
        self.driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
                'width': WIDTH, 'height': HEIGHT, 'deviceScaleFactor': 1,
                'mobile': False})

    def quit(self):
        try:
            self.driver.quit()
        finally:
            self.profile.cleanup()

    # waiting

    def wait(self, condition, message, timeout=TIMEOUT):
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, timeout, 0.25).until(
                lambda driver: condition())
        except TimeoutException:
            raise TimeoutException(f'timed out waiting for {message}')

    def idle(self, settle=0.5):
        "no pending sao request for `settle` seconds"
        def quiet():
            return self.driver.execute_script(
                'return window.jQuery ? jQuery.active : 1;') == 0
        while True:
            self.wait(quiet, 'the pending requests')
            time.sleep(settle)
            if quiet():
                return

    def find(self, css, root=None):
        from selenium.webdriver.common.by import By
        return (root or self.driver).find_elements(By.CSS_SELECTOR, css)

    def visible(self, css, root=None):
        return [e for e in self.find(css, root) if e.is_displayed()]

    def active_tab(self):
        tabs = self.visible('#tabcontent > .tab-pane.active')
        return tabs[0] if tabs else None

    def wait_rows(self, minimum=1):
        "rows in the list of the current tab"
        def rows():
            tab = self.active_tab()
            if tab is None:
                return False
            found = self.visible(
                '.treeview > table > tbody > tr:not(.more-row)', tab)
            return found if len(found) >= minimum else False
        rows = self.wait(rows, 'the rows of the list')
        self.idle()
        return rows

    # sao

    def login(self, login, password=PASSWORD):
        shots = self.sign_in(login, password)
        self.wait(lambda: self.visible('#menu .treeview tbody tr'),
            'the menu')
        self.idle()
        return shots

    def sign_in(self, login, password):
        "the login and password dialogs, answered"
        say(f'logging in as {login}')
        self.driver.get(f'{self.url}/#{self.database}')
        entry, = self.wait(
            lambda: self.visible('.login-dialog input#login'),
            'the login dialog')
        database, = self.wait(
            lambda: self.visible('.login-dialog #database'),
            'the database field')
        if database.tag_name == 'select':
            from selenium.webdriver.support.ui import Select
            self.wait(lambda: database.get_attribute('value'),
                'the database list')
            Select(database).select_by_value(self.database)
        elif database.get_attribute('value') != self.database:
            # the server lists no database: the user names it
            database.clear()
            database.send_keys(self.database)
        entry.send_keys(login)
        shots = [self.shot('login')] if 'login' in self.wanted else []
        self.visible('.login-dialog button[type=submit]')[0].click()
        password_entry, = self.wait(
            lambda: self.visible('.ask-dialog input[type=password]'),
            'the password dialog')
        password_entry.send_keys(password)
        self.visible('.ask-dialog .btn-primary')[0].click()
        return shots

    def wait_first_screen(self):
        """what sao opens after the login: a wizard (the menu waits for its
        end), else the menu and any tab"""
        self.wait(lambda: not self.visible('.ask-dialog'),
            'the password check')
        self.wait(lambda: self.visible(WIZARD) or self.find(
                '#menu .treeview'), 'the menu or a wizard')
        self.idle(settle=1)
        if not self.visible(WIZARD):
            # sao loads the menu once the user's actions are done
            self.wait(lambda: self.find('#menu .treeview'), 'the menu')
            self.idle()

    def expand_menu(self):
        "expand the visible top-level entries of the menu, one by one"
        tried = []
        while True:
            found = self.driver.execute_script('''
                var screen = Sao.main_menu_screen;
                var view = screen ? screen.current_view : null;
                for (const row of (view ? view.rows : [])) {
                    if (row.expander && !row.is_expanded()
                            && row.el.is(':visible')
                            && row.expander.css('visibility') == 'visible'
                            && !arguments[0].includes(row.record.id)) {
                        return [row.record.id,
                            row.el.find('.column-char')[0]];
                    }
                }
                return null;
                ''', tried)
            if not found:
                # the clicks scrolled the menu: back to its top
                self.driver.execute_script(
                    'jQuery("#menu").find("*").addBack().scrollTop(0);')
                return
            tried.append(found[0])
            found[1].click()
            self.idle()

    def untranslated(self):
        "the visible labels with a word in Latin letters and no CJK one"
        texts = self.driver.execute_script(
            'return jQuery(arguments[0]).filter(":visible").map('
            'function() { return this.innerText; }).get();', LABELS)
        found = []
        for text in (' '.join(t.split()) for t in texts):
            if (re.search('[A-Za-z]{3,}', text) and not CJK.search(text)
                    and text not in found):
                found.append(text)
        return found

    def menu_cell(self, name):
        from selenium.webdriver.common.by import By

        def cell():
            cells = [c for c in self.driver.find_elements(By.XPATH,
                    '//div[@id="menu"]//td[.//div[contains(@class,'
                    f'"column-char") and @title="{name}"]]')
                if c.is_displayed()]
            return cells[0] if cells else False
        return self.wait(cell, f'the menu entry {name}')

    def open_menu(self, *names):
        "expand the menu along names[:-1] and open the action names[-1]"
        from selenium.webdriver.common.action_chains import ActionChains
        for name in names[:-1]:
            # a click on a row expands it (and never collapses it)
            self.menu_cell(name).click()
            self.idle()
        cell = self.menu_cell(names[-1])
        ActionChains(self.driver).double_click(
            self.find('.column-char', cell)[0]).perform()
        self.wait(lambda: self.tab_title() == names[-1],
            f'the tab {names[-1]}')

    def tab_title(self):
        "the last part of the title of the current tab (menu / action)"
        titles = self.find('#tablist > li.active > a > span[title]')
        if not titles:
            return None
        return titles[0].get_attribute('title').split(' / ')[-1].strip()

    def current_view(self):
        return self.driver.execute_script(
            'var tab = Sao.Tab.tabs.get_current();'
            'return tab && tab.screen.current_view ? '
            'tab.screen.current_view.view_type : null;')

    def show_menu(self, show=True):
        "show or hide the menu column (hidden: more room for wide lists)"
        shown = bool(self.visible('#menu'))
        if shown != show:
            self.visible('.navbar-brand[data-toggle="menu"]')[0].click()
            # no focus ring on the button in the pictures
            self.driver.execute_script('document.activeElement.blur();')
            self.wait(lambda: bool(self.visible('#menu')) == show,
                'the menu to ' + ('show' if show else 'hide'))
            time.sleep(0.5)

    def shot(self, name, pause=1.0):
        time.sleep(pause)
        path = os.path.join(self.out_dir, f'{name}.png')
        self.driver.save_screenshot(path)
        say(f'saved {path}')
        return path


# The screens ---------------------------------------------------------------

def expand_rows(client, levels=2):
    """expand the first row with children, then its first child with
    children, and so on, `levels` times (when the view is a real tree,
    with expanders shown); the number of rows expanded"""
    for depth in range(levels):
        tab = client.active_tab()
        expanders = [e for e in client.visible(
                '.treeview tbody tr .expander', tab)
            if e.value_of_css_property('visibility') == 'visible']
        if len(expanders) <= depth:
            return depth
        before = len(client.visible('.treeview tbody tr', tab))
        expanders[depth].click()
        try:
            client.wait(lambda: len(client.visible(
                        '.treeview tbody tr', client.active_tab())) > before,
                'the children', timeout=30)
        except Exception:
            return depth
        client.idle()
    return levels


def area_tree(client):
    client.open_menu(MENU_ROOT, MENU_AREA_TREE)
    client.wait_rows()
    expand_rows(client)
    client.show_menu(False)  # room for all the columns
    path = client.shot('area_tree')
    client.show_menu(True)
    return path


def resident_form(client, name='resident_form'):
    client.open_menu(MENU_ROOT, MENU_RESIDENTS)
    rows = client.wait_rows()
    # prefer a resident in a key group (a fuller form), else the first row
    opened = client.driver.execute_async_script('''
        var done = arguments[arguments.length - 1];
        var screen = Sao.Tab.tabs.get_current().screen;
        Sao.rpc({
            'method': 'model.party.party.search',
            'params': [[['household', '!=', null], ['key_groups', '!=', null]],
                0, 1, [['id', 'ASC']], {}],
        }, Sao.Session.current_session).then(function(ids) {
            var record = ids.length ? screen.group.get(ids[0]) : null;
            if (!record) {
                done(false);
                return;
            }
            screen.current_record = record;
            screen.switch_view('form').then(
                function() { done(true); }, function() { done(false); });
        }, function() { done(false); });
        ''')
    if not opened:
        from selenium.webdriver.common.action_chains import ActionChains
        cell = client.find('td:not(.selection-state) .cell', rows[0])[0]
        ActionChains(client.driver).double_click(cell).perform()
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.wait(lambda: client.visible('.form input, .form .form-char'),
        'the form fields')
    client.idle()
    return client.shot(name)


def gridworker_resident_form(client):
    "The ID and phone numbers masked and read-only for the grid worker"
    client.show_menu(True)
    return resident_form(client, 'gridworker_resident_form')


def area_statistics(client):
    client.open_menu(MENU_ROOT, MENU_STATISTICS)
    client.wait_rows()
    client.show_menu(False)  # room for all the columns
    paths = [client.shot('area_statistics')]
    client.show_menu(True)
    client.driver.execute_script('Sao.Tab.tabs.get_current().switch_();')
    client.wait(lambda: client.current_view() == 'graph', 'the graph view')
    client.wait(lambda: client.visible('svg', client.active_tab()),
        'the chart')
    client.idle()
    paths.append(client.shot('area_statistics_graph', pause=2))
    return paths


def breakdown_graph(client):
    "the breakdown per level, role and group: Chinese bar labels"
    client.open_menu(MENU_ROOT, MENU_STATISTICS, MENU_BREAKDOWN)
    client.wait(lambda: client.current_view() == 'graph', 'the graph view')
    client.wait(lambda: client.visible('svg', client.active_tab()),
        'the chart')
    client.idle()
    return client.shot('breakdown_graph', pause=2)


def gridworker_visits(client):
    "the visitor column names the grid worker"
    client.open_menu(MENU_ROOT, MENU_VISITS)
    client.wait_rows()
    client.show_menu(False)  # room for all the columns
    path = client.shot('gridworker_visits')
    client.show_menu(True)
    return path


def dialogs(client):
    "how many dialogs are shown (counted in the page: no stale element)"
    return client.driver.execute_script(
        'return jQuery(".modal-dialog:visible").length;')


def search_popup(client, button):
    "click button and wait for the rows of the search dialog it opens"
    before = dialogs(client)
    client.driver.execute_script('arguments[0].click();', button)
    client.wait(lambda: dialogs(client) > before, 'the search dialog')
    client.wait(lambda: client.visible(
            '.treeview tbody tr:not(.more-row)',
            client.visible('.modal-dialog')[-1]), 'the search rows')
    client.idle()


def close_dialog(client):
    "cancel the topmost dialog"
    before = dialogs(client)
    button = client.find('.modal-footer .btn-link',
        client.visible('.modal-dialog')[-1])[0]
    client.driver.execute_script('arguments[0].click();', button)
    client.wait(lambda: dialogs(client) < before, 'the dialog to close')
    client.idle()


def event_area_picker(client):
    "the areas the grid worker may pick for a new event"
    client.open_menu(MENU_EVENTS_ROOT, MENU_EVENTS)
    client.idle()
    client.visible('button#new_', client.active_tab())[0].click()
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.idle()
    field, = client.wait(lambda: [e for e in client.visible(
                '.form-many2one', client.active_tab())
            if client.find('input[name="area"]', e)], 'the area field')
    search = client.find('.icon-secondary button', field)[0]
    search_popup(client, search)
    path = client.shot('event_area_picker')
    close_dialog(client)
    return path


def ranking_year(client):
    "the year without a thousands separator"
    client.open_menu(MENU_POINTS, MENU_RANKINGS)
    client.wait_rows()
    return client.shot('ranking_year')


def award_holders(client):
    "the residents the award wizard lists for its holders"
    client.menu_cell(MENU_POINTS).click()
    client.idle()
    # one click opens a wizard from the menu (a double click opens two)
    client.find('.column-char', client.menu_cell(MENU_AWARD))[0].click()
    field = client.wait(lambda: client.visible(
            '.modal-dialog .form-many2many'), 'the holders field')[0]
    client.idle()
    search_popup(client, client.find('.form-many2many-toolbar button',
            field)[0])
    return client.shot('award_holders')


def gridworker_residents(client):
    client.open_menu(MENU_ROOT, MENU_RESIDENTS)
    client.wait_rows()
    client.show_menu(False)  # room for all the columns
    return client.shot('gridworker_residents')


def first_record_form(client, model, domain):
    "switch the current list to the form of the first record of domain"
    opened = client.driver.execute_async_script('''
        var done = arguments[arguments.length - 1];
        var screen = Sao.Tab.tabs.get_current().screen;
        Sao.rpc({
            'method': 'model.' + arguments[0] + '.search',
            'params': [arguments[1], 0, 1, [['id', 'DESC']], {}],
        }, Sao.Session.current_session).then(function(ids) {
            if (!ids.length) {
                done(false);
                return;
            }
            // the record may be beyond the loaded page of the list
            var record = screen.group.get(ids[0]);
            var loaded = record ? jQuery.when() : screen.load([ids[0]]);
            jQuery.when(loaded).then(function() {
                screen.current_record = screen.group.get(ids[0]);
                return screen.switch_view('form');
            }).then(function() { done(true); }, function() { done(false); });
        }, function() { done(false); });
        ''', model, domain)
    if not opened:
        raise RuntimeError(f'no {model} record matches {domain}')
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.idle()


def voucher_form(client):
    client.open_menu(MENU_POINTS, MENU_VOUCHERS)
    client.wait_rows()
    first_record_form(client, 'civic.points.redemption',
        [['state', '=', 'issued']])
    client.wait(lambda: client.visible('.form img', client.active_tab()),
        'the QR code')
    return client.shot('voucher_form', pause=2)


def points_monthly_graph(client):
    client.open_menu(MENU_POINTS, MENU_MONTHLY_POINTS)
    client.wait(lambda: client.visible('svg', client.active_tab()),
        'the chart')
    client.idle()
    return client.shot('points_monthly_graph', pause=2)


def merchant_redeem(client):
    "the merchant types a voucher's code and redeems it"
    code = client.driver.execute_async_script('''
        var done = arguments[arguments.length - 1];
        Sao.rpc({
            'method': 'model.civic.points.redemption.search_read',
            'params': [[['state', '=', 'issued']], 0, 1, [['id', 'ASC']],
                ['code'], {}],
        }, Sao.Session.current_session).then(function(records) {
            done(records.length ? records[0].code : null);
        }, function() { done(null); });
        ''')
    if not code:
        raise RuntimeError('the merchant has no issued voucher to redeem')
    from selenium.common.exceptions import StaleElementReferenceException
    client.menu_cell(MENU_POINTS).click()
    client.idle()
    # one click opens a wizard from the menu (a double click opens two)
    client.find('.column-char', client.menu_cell(MENU_REDEEM))[0].click()
    entry = client.wait(
        lambda: client.visible('.modal-dialog input[type=text]'),
        'the voucher code entry')[0]
    entry.send_keys(code)
    paths = [client.shot('merchant_redeem')]
    client.driver.execute_script('arguments[0].click();',
        client.visible('.modal-dialog .btn-primary')[0])

    def redeemed():
        try:
            return [e for e in client.visible('.modal-dialog input')
                if e.get_attribute('value') == code
                and e.get_attribute('readonly')]
        except StaleElementReferenceException:
            return False
    client.wait(redeemed, 'the redeemed voucher')
    client.idle()
    paths.append(client.shot('merchant_redeemed'))
    buttons = [b for b in client.visible('.modal-dialog .modal-footer button')
        if 'btn-primary' not in (b.get_attribute('class') or '')]
    client.driver.execute_script('arguments[0].click();', buttons[0])
    client.wait(lambda: not client.visible('.modal-dialog'), 'the dialog')
    return paths


def merchant_redemptions(client):
    client.open_menu(MENU_POINTS, MENU_MY_REDEMPTIONS)
    client.wait_rows()
    return client.shot('merchant_redemptions')


def domain_tab(client, label):
    "switch the list of the current tab to its domain tab named label"
    from selenium.webdriver.common.by import By
    links = [a for a in client.active_tab().find_elements(By.XPATH,
            f'.//li/a[contains(normalize-space(.), "{label}")]')
        if a.is_displayed()]
    links[0].click()
    client.idle()


def event_list(client):
    client.open_menu(MENU_EVENTS_ROOT, MENU_EVENTS)
    client.idle()
    domain_tab(client, MENU_EVENTS_ALL)
    client.wait_rows()
    client.show_menu(False)  # room for all the columns
    path = client.shot('event_list')
    client.show_menu(True)
    return path


def event_form(client):
    "an event that went up the loops, with its history"
    client.open_menu(MENU_EVENTS_ROOT, MENU_EVENTS)
    client.idle()
    domain_tab(client, MENU_EVENTS_ALL)
    client.wait_rows()
    first_record_form(client, 'civic.event', [
            ['timed_out', '=', True],
            ['state', 'in', ['feedback', 'closed']]])
    client.wait(lambda: client.visible('.form input, .form .form-char'),
        'the form fields')
    client.idle()
    paths = [client.shot('event_form', pause=2)]
    from selenium.webdriver.common.by import By
    page, = [a for a in client.active_tab().find_elements(By.XPATH,
            f'.//ul[contains(@class, "nav-tabs")]/li/a[normalize-space(.)'
            f'="{EVENT_HISTORY_PAGE}"]') if a.is_displayed()]
    page.click()
    client.wait(lambda: client.visible(
            '.form .treeview tbody tr', client.active_tab()),
        'the history rows')
    client.idle()
    paths.append(client.shot('event_history', pause=1))
    return paths


def event_graph(client, menu, name):
    client.open_menu(MENU_EVENTS_ROOT, MENU_EVENT_STATISTICS, menu)
    client.wait(lambda: client.visible('svg', client.active_tab()),
        'the chart')
    client.idle()
    return client.shot(name, pause=2)


def event_statistics_graph(client):
    return event_graph(client, MENU_EVENTS_PER_MONTH, 'event_statistics_graph')


def event_level_graph(client):
    return event_graph(client, MENU_EVENTS_PER_LEVEL, 'event_level_graph')


# the civic_party screens --------------------------------------------------

def party_shot(client, name, pause=1.0):
    "the picture, and its visible labels without a Chinese character"
    path = client.shot(name, pause=pause)
    print(f'untranslated in {name}: '
        + (' | '.join(client.untranslated()) or '(none)'), flush=True)
    return path


def party_list(client, name, *menu):
    "the list of the menu, all its records when it has domain tabs"
    client.open_menu(*menu)
    client.idle()
    from selenium.webdriver.common.by import By
    if [a for a in client.active_tab().find_elements(By.XPATH,
                './/ul[contains(@class, "nav-tabs")]/li/a')
            if a.is_displayed()]:
        domain_tab(client, PARTY_ALL)
    client.wait_rows()
    client.show_menu(False)  # room for all the columns
    path = party_shot(client, name)
    client.show_menu(True)
    return path


def party_tree(client):
    "the street working committee, a community committee and its branches"
    client.open_menu(MENU_PARTY, MENU_PARTY_TREE)
    client.wait_rows()
    expanded = expand_rows(client)
    if expanded < 2:
        say(f'party_tree: {expanded} row(s) expanded of 2 '
            '(no expander: is the view a tree with field_childs?)')
    client.show_menu(False)  # room for all the columns
    path = party_shot(client, 'party_tree')
    client.show_menu(True)
    return path


def party_member_form(client):
    from selenium.webdriver.common.action_chains import ActionChains
    client.open_menu(MENU_PARTY, MENU_PARTY_MEMBERS)
    rows = client.wait_rows()
    cell = client.find('td:not(.selection-state) .cell', rows[0])[0]
    ActionChains(client.driver).double_click(cell).perform()
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.wait(lambda: client.visible('.form input, .form .form-char'),
        'the form fields')
    client.idle()
    return party_shot(client, 'party_member_form')


def party_resources(client):
    return party_list(client, 'party_resources',
        MENU_PARTY, MENU_PARTY_COMMITTEE, MENU_PARTY_RESOURCES)


def party_needs(client):
    return party_list(client, 'party_needs',
        MENU_PARTY, MENU_PARTY_COMMITTEE, MENU_PARTY_NEEDS)


def party_projects(client):
    return party_list(client, 'party_projects',
        MENU_PARTY, MENU_PARTY_COMMITTEE, MENU_PARTY_PROJECTS)


def party_statistics(client):
    return party_list(client, 'party_statistics',
        MENU_PARTY, MENU_PARTY_STATISTICS)


def unit_first(client):
    """the member unit's contact opens on its own members' reports (Chromium
    in Chinese, as the first screens)"""
    client.sign_in(UNIT_LOGIN, PASSWORD)
    client.wait_first_screen()
    client.wait(lambda: client.tab_title() == PARTY_MEMBER_REPORTS,
        f'the tab {PARTY_MEMBER_REPORTS}')
    client.wait_rows()
    return party_shot(client, 'unit_first')


# the civic_property screens -----------------------------------------------

def property_log_form(client):
    """the company's staff opens on its work logs; a log's form"""
    from selenium.webdriver.common.action_chains import ActionChains
    client.wait(lambda: client.tab_title() == PROPERTY_LOGS,
        f'the tab {PROPERTY_LOGS}')
    domain_tab(client, PARTY_ALL)
    rows = client.wait_rows()
    party_shot(client, 'property_logs')
    cell = client.find('td:not(.selection-state) .cell', rows[0])[0]
    ActionChains(client.driver).double_click(cell).perform()
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.wait(lambda: client.visible('.form input, .form .form-char'),
        'the form fields')
    client.idle()
    return party_shot(client, 'property_log_form')


def property_companies(client):
    return party_list(client, 'property_companies',
        MENU_PROPERTY, MENU_PROPERTY_COMPANIES)


def property_coverage(client):
    return party_list(client, 'property_coverage',
        MENU_PROPERTY, MENU_PROPERTY_COVERAGE)


def property_projects(client):
    return party_list(client, 'property_projects',
        MENU_PROPERTY, MENU_PROPERTY_PROJECTS)


def property_decisions(client):
    return party_list(client, 'property_decisions',
        MENU_PROPERTY, MENU_PROPERTY_DECISIONS)


def property_owners(client):
    return party_list(client, 'property_owners',
        MENU_PROPERTY, MENU_PROPERTY_OWNERS)


def property_statistics(client):
    return party_list(client, 'property_statistics',
        MENU_PROPERTY, MENU_PROPERTY_STATISTICS)


def property_complaints(client):
    return party_list(client, 'property_complaints',
        MENU_PROPERTY, MENU_PROPERTY_COMPLAINTS)


def property_complaint_months(client):
    return party_list(client, 'property_complaint_months',
        MENU_PROPERTY, MENU_PROPERTY_COMPLAINT_MONTHS)


def property_deductions(client):
    return party_list(client, 'property_deductions',
        MENU_PROPERTY, MENU_PROPERTY_DEDUCTIONS)


def property_evaluation(client):
    "the street's last evaluation: its companies ranked"
    from selenium.webdriver.common.action_chains import ActionChains
    client.open_menu(MENU_PROPERTY, MENU_PROPERTY_EVALUATIONS)
    rows = client.wait_rows()
    cell = client.find('td:not(.selection-state) .cell', rows[0])[0]
    ActionChains(client.driver).double_click(cell).perform()
    client.wait(lambda: client.current_view() == 'form', 'the form view')
    client.wait_rows()
    client.idle()
    client.show_menu(False)  # room for all the columns
    path = party_shot(client, 'property_evaluation')
    client.show_menu(True)
    return path


def volunteer_activity(client):
    "an upcoming activity of the community with its sign-ups"
    client.open_menu(MENU_VOLUNTEER, MENU_VOLUNTEER_ACTIVITIES)
    client.wait_rows()
    first_record_form(client, 'civic.volunteer.activity',
        [['state', '=', 'published'], ['signups.state', '=', 'registered']])
    client.wait(lambda: client.visible(
            '.form .treeview tbody tr', client.active_tab()),
        'the sign-ups')
    client.idle()
    return party_shot(client, 'volunteer_activity', pause=2)


def volunteer_emergency(client):
    "the active emergency of the community: who reported, per squad"
    from selenium.webdriver.common.by import By
    client.open_menu(MENU_VOLUNTEER, MENU_VOLUNTEER_EMERGENCY_ROOT,
        MENU_VOLUNTEER_EMERGENCY)
    client.wait_rows()
    first_record_form(client, 'civic.volunteer.emergency',
        [['state', '=', 'active']])
    page, = [a for a in client.active_tab().find_elements(By.XPATH,
            f'.//ul[contains(@class, "nav-tabs")]/li/a[normalize-space(.)'
            f'="{VOLUNTEER_BOARD_PAGE}"]') if a.is_displayed()]
    page.click()
    client.wait(lambda: client.visible(
            '.form .treeview tbody tr', client.active_tab()),
        'the board rows')
    client.idle()
    return party_shot(client, 'volunteer_emergency', pause=2)


def volunteer_hours_graph(client):
    client.open_menu(MENU_VOLUNTEER, MENU_VOLUNTEER_STATISTICS,
        MENU_VOLUNTEER_HOURS)
    client.wait_rows()
    from selenium.webdriver.common.by import By
    switch, = [b for b in client.active_tab().find_elements(By.CSS_SELECTOR,
            'button[title], a[title]') if b.is_displayed()
        and b.get_attribute('title') in {'切换', 'Switch'}]
    switch.click()
    client.wait(lambda: client.visible('svg', client.active_tab()),
        'the chart')
    client.idle()
    return client.shot('volunteer_hours_graph', pause=2)


def volunteer_certificate(client):
    """the demo volunteer's certificate as they print it: the PDF of the
    report, its first page rendered to PNG"""
    import pypdfium2

    from tests.rpc import Session
    session = Session(client.url, client.database, VOLUNTEER_LOGIN, PASSWORD)
    ids = session.model('civic.volunteer.certificate', 'search',
        [['state', '=', 'issued']], 0, 1, None)
    if not ids:
        raise RuntimeError('the demo volunteer has no certificate')
    extension, content, *_ = session.call(
        'report.civic.volunteer.certificate.report.execute', ids, {}, {})
    if extension != 'pdf':
        raise RuntimeError(f'the certificate is {extension}, not a PDF')
    pdf = base64.b64decode(content['base64'])
    pdf_path = os.path.join(client.out_dir, 'volunteer_certificate.pdf')
    with open(pdf_path, 'wb') as file:
        file.write(pdf)
    page = pypdfium2.PdfDocument(pdf)[0]
    path = os.path.join(client.out_dir, 'volunteer_certificate.png')
    page.render(scale=1.5).to_pil().save(path)
    return path


def assessment_red_flags(client):
    "the street's red flags of the confirmed quarterly assessment"
    return party_list(client, 'assessment_red_flags', MENU_ASSESSMENT,
        MENU_ASSESSMENT_RED_FLAGS)


def assessment_sheet(client):
    """a red flag's sheet: each indicator's value, score, the officer's
    score and reason, the records counted"""
    client.open_menu(MENU_ASSESSMENT, MENU_ASSESSMENT_SHEETS)
    client.wait_rows()
    first_record_form(client, 'civic.assessment.sheet',
        [['red_flag', '=', True]])
    client.wait(lambda: client.visible(
            '.form .treeview tbody tr', client.active_tab()),
        'the indicators')
    client.idle()
    return party_shot(client, 'assessment_sheet', pause=2)


def assessment_report(client):
    """the one-click work report of the demo district for the last 12
    months, as the civic administrator prints it: the PDF, its first page
    and the first page of its appendix rendered to PNG"""
    import datetime as dt

    import pypdfium2

    from tests.rpc import Session
    session = Session(client.url, client.database, 'civic_admin', PASSWORD)
    county, = session.model('civic.area', 'search', [['parent', '=', None]],
        0, 1, None)
    today = dt.date.today()
    extension, content, *_ = session.call(
        'report.civic.assessment.work_report_pdf.execute', [], {
            'area': county,
            'start_date': (today - dt.timedelta(days=364)).isoformat(),
            'end_date': today.isoformat()}, {})
    if extension != 'pdf':
        raise RuntimeError(f'the work report is {extension}, not a PDF')
    pdf = base64.b64decode(content['base64'])
    with open(os.path.join(client.out_dir, 'assessment_report.pdf'),
            'wb') as file:
        file.write(pdf)
    document = pypdfium2.PdfDocument(pdf)
    paths = []
    for name, page in [('assessment_report', 0),
            ('assessment_report_appendix', appendix_page(document))]:
        path = os.path.join(client.out_dir, f'{name}.png')
        document[page].render(scale=1.5).to_pil().save(path)
        paths.append(path)
    return paths[0]


def appendix_page(document):
    "The index of the page where the work report's appendix starts"
    for index in range(len(document)):
        if '附录' in document[index].get_textpage().get_text_range():
            return index
    raise RuntimeError('the work report has no appendix')


def station_form(client):
    "a station of the community: its hours, facilities and managers"
    client.open_menu(MENU_STATION, MENU_STATION_LIST)
    client.wait_rows()
    first_record_form(client, 'civic.station', [['state', '=', 'open'],
            ['hours', '!=', None]])
    client.wait(lambda: client.visible(
            '.form .treeview tbody tr', client.active_tab()),
        'the opening hours')
    client.idle()
    return party_shot(client, 'station_form', pause=2)


def station_map(client):
    """the public distribution map, without tiles (none configured, no
    internet): the markers and the list"""
    client.driver.get(f'{client.url}/{client.database}/civic/station/map')
    client.wait(lambda: client.driver.execute_script(
            "return document.querySelectorAll("
            "'.leaflet-interactive').length") > 0, 'the station markers')
    path = client.shot('station_map', pause=2)
    client.driver.get(client.url + '/')
    return path


def first_screen(client, login, password, suffix):
    "the screen right after the login, the top-level menu entries expanded"
    client.sign_in(login, password)
    client.wait_first_screen()
    if not client.visible(WIZARD):
        client.expand_menu()
    name = f'first_{login}_{suffix}'
    say(f'{name}: browser ' + client.driver.execute_script(
            'return navigator.languages.join();')
        + ', sao ' + client.driver.execute_script(
            'return Sao.i18n.getlang();'))
    path = client.shot(name)
    if suffix == 'zh':
        print(f'untranslated in {name}: '
            + (' | '.join(client.untranslated()) or '(none)'), flush=True)
    return path


def first_screens(wanted):
    "(picture, language, function) of the wanted first screens"
    for login, password in FIRST_LOGINS:
        if not wanted & {'first', f'first_{login}'}:
            continue
        for suffix, lang, accept in FIRST_LANGUAGES:
            yield (f'first_{login}_{suffix}', (lang, accept),
                functools.partial(first_screen, login=login,
                    password=password, suffix=suffix))
    if 'unit_first' in wanted:
        yield 'unit_first', FIRST_LANGUAGES[0][1:], unit_first


# who logs in, and the screens they take: (name, function, the pictures)
SESSIONS = [
    ('civic_admin', [
            ('area_tree', area_tree, ['area_tree']),
            ('resident_form', resident_form, ['resident_form']),
            ('area_statistics', area_statistics,
                ['area_statistics', 'area_statistics_graph']),
            ('event_statistics_graph', event_statistics_graph,
                ['event_statistics_graph']),
            ('event_level_graph', event_level_graph, ['event_level_graph']),
            ('ranking_year', ranking_year, ['ranking_year']),
            ('party_statistics', party_statistics, ['party_statistics']),
            ('property_statistics', property_statistics,
                ['property_statistics']),
            ]),
    ('street', [
            ('breakdown_graph', breakdown_graph, ['breakdown_graph']),
            ('party_tree', party_tree, ['party_tree']),
            ('property_companies', property_companies,
                ['property_companies']),
            ('property_coverage', property_coverage, ['property_coverage']),
            ('property_decisions', property_decisions,
                ['property_decisions']),
            ('property_owners', property_owners, ['property_owners']),
            ('property_evaluation', property_evaluation,
                ['property_evaluation']),
            ('assessment_red_flags', assessment_red_flags,
                ['assessment_red_flags']),
            ('assessment_sheet', assessment_sheet, ['assessment_sheet']),
            ('assessment_report', assessment_report,
                ['assessment_report', 'assessment_report_appendix']),
            ]),
    ('property', [
            ('property_log_form', property_log_form,
                ['property_logs', 'property_log_form']),
            ('property_projects', property_projects, ['property_projects']),
            ('property_complaints', property_complaints,
                ['property_complaints']),
            ('property_complaint_months', property_complaint_months,
                ['property_complaint_months']),
            ('property_deductions', property_deductions,
                ['property_deductions']),
            ]),
    ('community', [
            ('volunteer_activity', volunteer_activity,
                ['volunteer_activity']),
            ('volunteer_emergency', volunteer_emergency,
                ['volunteer_emergency']),
            ('volunteer_hours_graph', volunteer_hours_graph,
                ['volunteer_hours_graph']),
            ('volunteer_certificate', volunteer_certificate,
                ['volunteer_certificate']),
            ('station_form', station_form, ['station_form']),
            ('voucher_form', voucher_form, ['voucher_form']),
            ('points_monthly_graph', points_monthly_graph,
                ['points_monthly_graph']),
            ('event_list', event_list, ['event_list']),
            ('event_form', event_form, ['event_form', 'event_history']),
            ('party_member_form', party_member_form, ['party_member_form']),
            ('party_resources', party_resources, ['party_resources']),
            ('party_needs', party_needs, ['party_needs']),
            ('party_projects', party_projects, ['party_projects']),
            # last: it leaves the web client for the map's page
            ('station_map', station_map, ['station_map']),
            ]),
    ('merchant', [
            ('merchant_redeem', merchant_redeem,
                ['merchant_redeem', 'merchant_redeemed']),
            ('merchant_redemptions', merchant_redemptions,
                ['merchant_redemptions']),
            ]),
    ('gridworker', [
            ('login', None, ['login']),  # taken while logging in
            ('gridworker_residents', gridworker_residents,
                ['gridworker_residents']),
            ('gridworker_resident_form', gridworker_resident_form,
                ['gridworker_resident_form']),
            ('gridworker_visits', gridworker_visits, ['gridworker_visits']),
            ('event_area_picker', event_area_picker, ['event_area_picker']),
            ('award_holders', award_holders, ['award_holders']),
            ]),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('url', nargs='?', default=os.environ.get('URL'),
        help='a running server (default: start scripts/run)')
    parser.add_argument('--database', default=os.environ.get(
            'DB_NAME', 'civic'))
    parser.add_argument('--output', default=os.path.join(
            ROOT, 'var', 'screenshots'))
    parser.add_argument('--only', action='append', choices=SCREENS,
        help='take only this screen (repeatable)')
    args = parser.parse_args()
    wanted = set(args.only or SCREENS)
    os.makedirs(args.output, exist_ok=True)

    server = None
    if args.url:
        url = args.url.rstrip('/')
        if not answers(url):
            parser.error(f'{url} does not answer')
    else:
        server = RunningServer(args.database, os.environ.get(
                'DB_PATH', os.path.join(ROOT, 'var', 'db')))
        url = server.url

    paths, failures = [], []

    def run(client, name, function):
        error_png = os.path.join(args.output, f'{name}-error.png')
        if os.path.exists(error_png):
            os.unlink(error_png)
        try:
            result = function(client)
            paths.extend(result if isinstance(result, list) else [result])
        except Exception:
            failures.append(name)
            traceback.print_exc()
            try:
                client.shot(f'{name}-error', pause=0)
                for entry in client.driver.get_log('browser'):
                    say(f"{name}: browser console: {entry['message']}")
            except Exception:
                pass

    try:
        if server:
            say(f'starting scripts/run on {server.url}')
            server.start()
        for login, screens in SESSIONS:
            screens = [(name, function, pictures)
                for name, function, pictures in screens
                if wanted & set(pictures)]
            if not screens:
                continue
            client = Client(url, args.database, args.output)
            client.wanted = {name for name, function, _ in screens
                if function is None}
            try:
                paths.extend(client.login(login) or [])
                for name, function, _ in screens:
                    if function:
                        run(client, name, function)
            finally:
                client.quit()
        for name, language, function in first_screens(wanted):
            client = Client(url, args.database, args.output, language)
            try:
                run(client, name, function)
            finally:
                client.quit()
    finally:
        if server:
            say('stopping the server')
            server.stop()

    for path in paths:
        print(os.path.relpath(path))
    if failures:
        say('failed: ' + ', '.join(failures))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
