"""A real OpenLDAP server (Debian's slapd) for the directory-login tests: started on a free port of
127.0.0.1 with a temporary config and database, loaded with ``tests/security/ldap/demo.ldif``, stopped
at the end of the session. Skipped (with the reason) only where slapd is not installed;
``scripts/system_deps.sh`` installs it, so CI runs these tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=jintan,dc=gov,dc=cn"
ROOT_DN = f"cn=admin,{SUFFIX}"
BIND_DN = f"cn=portal,ou=services,{SUFFIX}"
PASSWORD = "Dir3ctory-Test-Pass"
LDIF = Path(__file__).parent / "security" / "ldap" / "demo.ldif"
SCHEMAS = ("core", "cosine", "nis", "inetorgperson")
MODULE_DIRS = ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/aarch64-linux-gnu/ldap")

CONFIG = """\
{includes}
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
modulepath {modules}
moduleload back_mdb
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {password}
directory {root}/data
"""


@dataclass
class Directory:
    url: str
    root: Path
    process: subprocess.Popen

    def connect(self):
        import ldap

        conn = ldap.initialize(self.url)
        conn.simple_bind_s(ROOT_DN, PASSWORD)
        return conn

    def add_member(self, group: str, uid: str) -> None:
        import ldap

        conn = self.connect()
        conn.modify_s(f"cn={group},ou=groups,{SUFFIX}", [(ldap.MOD_ADD, "member", [_person(uid).encode()])])
        conn.unbind_s()

    def remove_member(self, group: str, uid: str) -> None:
        import ldap

        conn = self.connect()
        conn.modify_s(
            f"cn={group},ou=groups,{SUFFIX}", [(ldap.MOD_DELETE, "member", [_person(uid).encode()])]
        )
        conn.unbind_s()

    def add_person(self, uid: str, name: str, groups=()) -> None:
        from ldap import modlist

        conn = self.connect()
        conn.add_s(
            _person(uid),
            modlist.addModlist(
                {
                    "objectClass": [b"inetOrgPerson"],
                    "uid": [uid.encode()],
                    "cn": [name.encode()],
                    "sn": [name[:1].encode()],
                    "userPassword": [PASSWORD.encode()],
                }
            ),
        )
        conn.unbind_s()
        for group in groups:
            self.add_member(group, uid)

    def delete_person(self, uid: str) -> None:
        conn = self.connect()
        conn.delete_s(_person(uid))
        conn.unbind_s()


def _person(uid: str) -> str:
    return f"uid={uid},ou=people,{SUFFIX}"


def available() -> str | None:
    """Why the directory cannot be started here, or None."""
    if not Path(SLAPD).exists():
        return "slapd is not installed (scripts/system_deps.sh installs Debian's slapd and ldap-utils)"
    if not any(Path(d, "back_mdb.so").exists() or Path(d, "back_mdb.la").exists() for d in MODULE_DIRS):
        return "slapd's back_mdb module is missing"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> Directory:
    import io

    import ldap
    from ldap import modlist
    from ldif import LDIFRecordList  # python-ldap's LDIF parser

    root = Path(tempfile.mkdtemp(prefix="jinbao-slapd-"))
    (root / "data").mkdir()
    modules = next(d for d in MODULE_DIRS if Path(d).exists())
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    (root / "slapd.conf").write_text(
        CONFIG.format(
            includes=includes,
            root=root,
            modules=modules,
            suffix=SUFFIX,
            root_dn=ROOT_DN,
            password=PASSWORD,
        ),
        encoding="utf-8",
    )
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (root / "slapd.log").open("wb")
    process = subprocess.Popen(
        [SLAPD, "-f", str(root / "slapd.conf"), "-h", f"{url}/", "-d", "0"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    directory = Directory(url, root, process)
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {(root / 'slapd.log').read_text(errors='replace')[-2000:]}")
        try:
            conn = directory.connect()
            break
        except ldap.SERVER_DOWN:
            if time.monotonic() > deadline:
                stop(directory)
                raise RuntimeError("slapd did not answer within 15 s") from None
            time.sleep(0.1)
    records = LDIFRecordList(io.StringIO(LDIF.read_text(encoding="utf-8").replace("{PASSWORD}", PASSWORD)))
    records.parse()
    for dn, entry in records.all_records:
        conn.add_s(dn, modlist.addModlist(entry))
    conn.unbind_s()
    return directory


def stop(directory: Directory) -> None:
    directory.process.terminate()
    try:
        directory.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        directory.process.kill()
        directory.process.wait()
    shutil.rmtree(directory.root, ignore_errors=True)
