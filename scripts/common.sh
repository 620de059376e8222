# Sourced by the Civic Grid scripts: paths and the idempotent set-up steps.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
SAO_ROOT=$ROOT/var/sao/package
export TRYTOND_WEB__ROOT=$SAO_ROOT

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
    # apt_install COMMAND PACKAGE...: install PACKAGEs when COMMAND is missing
    local command=$1; shift
    if ! command -v "$command" >/dev/null 2>&1 \
            && ! [ -x "$command" ]; then
        say "installing $* (apt-get)"
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
    fi
}

setup_python() {
    if ! [ -x "$PY" ]; then
        say "creating the virtualenv in $VENV"
        python3 -m venv "$VENV"
    fi
    local stamp=$VENV/.civic-installed
    if ! [ -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        say "installing Tryton 8.0 and the Civic Grid modules"
        "$PY" -m pip install -q --upgrade pip >/dev/null
        "$PY" -m pip install -q -e "$ROOT[test,lint]"
        touch "$stamp"
    fi
    # weasyprint prints the PDF reports with Pango and the Noto CJK fonts
    ldconfig -p 2>/dev/null | grep -q libpango-1.0 \
        || apt_install /nonexistent/libpango libpango-1.0-0 libpangoft2-1.0-0
    # without HarfBuzz's subsetter weasyprint subsets the 65,000 glyphs of
    # the CJK font with fontTools: 10 s instead of a tenth for a certificate
    ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset \
        || apt_install /nonexistent/libharfbuzz-subset libharfbuzz-subset0
    [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] \
        || apt_install /nonexistent/fonts-noto-cjk fonts-noto-cjk
    # the work report (civic_assessment) is an ODT that LibreOffice turns
    # into PDF; poppler's pdftoppm renders its pages for the screenshots
    command -v soffice >/dev/null || apt_install soffice \
        libreoffice-writer-nogui poppler-utils
}

setup_sao() {
    if ! [ -f "$SAO_ROOT/index.html" ] || ! [ -d "$SAO_ROOT/node_modules" ]; then
        apt_install npm nodejs npm
        say "installing the sao web client (tryton-sao@8.0)"
        rm -rf "$ROOT/var/sao"
        mkdir -p "$ROOT/var/sao"
        (cd "$ROOT/var/sao" && npm pack -q tryton-sao@8.0 >/dev/null \
            && tar xzf tryton-sao-*.tgz \
            && cd package && npm install -q --omit=dev --legacy-peer-deps \
                --no-audit --no-fund >/dev/null)
    fi
    # the care stations' distribution map draws with Leaflet, which the web
    # root serves beside sao (civic_station/routes.py)
    if ! [ -f "$SAO_ROOT/node_modules/leaflet/dist/leaflet.js" ]; then
        say "installing Leaflet for the distribution map (leaflet@1.9)"
        (cd "$SAO_ROOT" && npm install -q --no-save --omit=dev \
            --legacy-peer-deps --no-audit --no-fund leaflet@1.9 >/dev/null)
    fi
}

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    echo "$dir"
}

setup_postgresql_package() {
    if [ -z "$(pg_bin)" ]; then
        apt_install /usr/lib/postgresql/15/bin/postgres postgresql
    fi
}

start_throwaway_postgresql() {
    # start_throwaway_postgresql DIR [durable]: a private cluster on a unix
    # socket in DIR; sets PG_DIR and prints the URI.  The test suite's
    # cluster does not wait for the disk (fsync, synchronous_commit and
    # full_page_writes off); "durable" keeps them on, as on a deployment,
    # for the benchmarks
    setup_postgresql_package
    local bin durability
    bin=$(pg_bin)
    if [ "${2:-}" = durable ]; then
        durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    else
        durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    PG_DIR=$1
    rm -rf "$PG_DIR"
    mkdir -p "$PG_DIR"
    local owner=""
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$PG_DIR"
        owner="runuser -u postgres --"
    fi
    $owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust \
        --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    $owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-k $PG_DIR -c listen_addresses='' $durability -c max_connections=200 -c shared_buffers=512MB" \
        start >/dev/null
    PG_OWNER=$owner
    echo "postgresql://postgres@/?host=$PG_DIR"
}

stop_throwaway_postgresql() {
    [ -n "${PG_DIR:-}" ] || return 0
    $PG_OWNER "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
