#pragma once

/* Forward declarations of the front end's types, so that a header can name another journey's
 * widget without including its header (and so without pulling in its dependencies). Each type
 * is defined by G_DECLARE_FINAL_TYPE in its own kyso-<name>.h; C11 allows the repeated typedef. */

#include <glib.h>

G_BEGIN_DECLS

/* shell/ */
typedef struct _KysoApplication KysoApplication;
typedef struct _KysoContext KysoContext;
typedef struct _KysoSettingsPage KysoSettingsPage;
typedef struct _KysoWindow KysoWindow;

/* dossier/ */
typedef struct _KysoComponentRow KysoComponentRow;
typedef struct _KysoDossierApplicant KysoDossierApplicant;
typedef struct _KysoDossierComponents KysoDossierComponents;
typedef struct _KysoDossierWait KysoDossierWait;
typedef struct _KysoDossierWizard KysoDossierWizard;
typedef struct _KysoDossiersPage KysoDossiersPage;
typedef struct _KysoLoginPage KysoLoginPage;
typedef struct _KysoTrackingPage KysoTrackingPage;

/* document/ */
typedef struct _KysoDocumentPage KysoDocumentPage;
typedef struct _KysoDocumentThumbnails KysoDocumentThumbnails;
typedef struct _KysoDocumentView KysoDocumentView;
typedef struct _KysoHistoryPanel KysoHistoryPanel;
typedef struct _KysoPageRenderer KysoPageRenderer;
typedef struct _KysoSignatureBox KysoSignatureBox;

/* signing/ */
typedef struct _KysoPhoneWait KysoPhoneWait;
typedef struct _KysoSignDialog KysoSignDialog;

/* profiles/ */
typedef struct _KysoAccountRow KysoAccountRow;
typedef struct _KysoProfileDialog KysoProfileDialog;
typedef struct _KysoProfileRow KysoProfileRow;
typedef struct _KysoSignaturesPage KysoSignaturesPage;

G_END_DECLS
