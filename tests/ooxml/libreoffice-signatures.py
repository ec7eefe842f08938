#!/usr/bin/python3
# LibreOffice's own view of a document's signatures, for the DOCX interoperability tests: starts a
# headless soffice with a throwaway user profile and the NSS database NSSDIR (the test CA trusted,
# the test signer's key inside), then through its DocumentDigitalSignatures service
#
#   libreoffice-signatures.py NSSDIR verify FILE…   prints one line per file:
#       FILE <tab> N <tab> valid,cert,partial;valid,cert,partial…
#     (valid = SignatureIsValid 0/1, cert = CertificateStatus, 0 = trusted; partial =
#      PartialDocumentSignature 0/1), or FILE <tab> error <tab> message
#   libreoffice-signatures.py NSSDIR sign IN OUT  signs a copy of IN at OUT with the first
#       personal certificate of the NSS database (what LibreOffice's File ▸ Digital Signatures does)
#
# Needs python3-uno and libreoffice-writer-nogui (Debian).
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.embed.ElementModes import READ, READWRITE


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def start(nssdir):
    profile = tempfile.mkdtemp(prefix="kyso-lo-")
    pipe = "kyso%d" % os.getpid()
    env = dict(os.environ)
    env["MOZILLA_CERTIFICATE_FOLDER"] = "sql:" + nssdir
    env["SAL_USE_VCLPLUGIN"] = "svp"
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         "--accept=pipe,name=%s;urp;" % pipe],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.time() + 120
    while True:
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return proc, profile, ctx
        except Exception:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise SystemExit("soffice did not start")
            time.sleep(0.5)


def stop(proc, profile, ctx):
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        desktop.terminate()
    except Exception:
        pass
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)


def storage(ctx, path, mode):
    factory = ctx.ServiceManager.createInstanceWithContext("com.sun.star.embed.StorageFactory", ctx)
    args = (uno.systemPathToFileUrl(os.path.abspath(path)), mode,
            uno.Any("[]com.sun.star.beans.PropertyValue", (prop("StorageFormat", "ZipFormat"),)))
    # The third argument must reach the factory as a []PropertyValue, not a []any: only a
    # uno.Any passed through uno.invoke keeps that type.
    return uno.invoke(factory, "createInstanceWithArguments", (args,))


def signatures_service(ctx):
    return ctx.ServiceManager.createInstanceWithArgumentsAndContext(
        "com.sun.star.security.DocumentDigitalSignatures", ("1.2", True), ctx)


def verify(ctx, files):
    service = signatures_service(ctx)
    for f in files:
        try:
            infos = service.verifyDocumentContentSignatures(storage(ctx, f, READ), None)
            parts = ["%d,%d,%d" % (int(i.SignatureIsValid), i.CertificateStatus, int(i.PartialDocumentSignature))
                     for i in infos]
            print("%s\t%d\t%s" % (f, len(infos), ";".join(parts)), flush=True)
        except Exception as e:  # reported, the test decides
            print("%s\terror\t%s" % (f, str(e).replace("\n", " ")), flush=True)


def sign(ctx, src, dst):
    shutil.copyfile(src, dst)
    init = ctx.ServiceManager.createInstanceWithContext("com.sun.star.xml.crypto.SEInitializer", ctx)
    security = init.createSecurityContext("")
    certs = security.getSecurityEnvironment().getPersonalCertificates()
    if not certs:
        raise SystemExit("no personal certificate in the NSS database")
    service = signatures_service(ctx)
    st = storage(ctx, dst, READWRITE)
    ok = service.signDocumentWithCertificate(certs[0], st, None)
    st.commit()
    st.dispose()
    if not ok:
        raise SystemExit("LibreOffice did not sign")
    print("signed", dst)


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in ("verify", "sign"):
        raise SystemExit(__doc__ or "usage: libreoffice-signatures.py NSSDIR verify FILE… | sign IN OUT")
    proc, profile, ctx = start(os.path.abspath(sys.argv[1]))
    try:
        if sys.argv[2] == "verify":
            verify(ctx, sys.argv[3:])
        else:
            sign(ctx, sys.argv[3], sys.argv[4])
    finally:
        stop(proc, profile, ctx)


if __name__ == "__main__":
    main()
