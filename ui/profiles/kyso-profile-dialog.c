#include "config.h"

#include "kyso-profile-dialog-private.h"
#include "kyso-account-row.h"
#include "kyso-error.h"

#include <glib/gi18n-lib.h>

struct _KysoProfileDialog
{
  AdwWindow parent_instance;

  KysoProfileStore *store;
  KysoProfile *original; /* NULL when adding */
  KysoProfile *draft;    /* what Save writes; one id for the whole life of the dialog */
  GBytes *image;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
  GPtrArray *account_rows;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkWidget *save_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkWidget *choose_button;
  GtkStack *image_stack;
  GtkPicture *image_picture;
  AdwEntryRow *name_row;
  AdwEntryRow *phone_row;
  AdwEntryRow *keyword_row;
  AdwPreferencesGroup *accounts_group;
  GtkWidget *add_account_button;
};

G_DEFINE_FINAL_TYPE (KysoProfileDialog, kyso_profile_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_PROFILE,
  N_PROPS
};

enum
{
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Errors ---------------------------------------------------------------------------------- */

static void
show_error (KysoProfileDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (KysoProfileDialog *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

/* Flags @widget as the field at fault and puts the cursor there; returns FALSE. */
static gboolean
flag_field (KysoProfileDialog *self, GtkWidget *widget, const GError *error)
{
  show_error (self, error->message);
  gtk_widget_add_css_class (widget, "error");
  gtk_widget_grab_focus (widget);
  return FALSE;
}

static void
entry_changed_cb (GtkEditable *editable, KysoProfileDialog *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
}

/* Image --------------------------------------------------------------------------------- */

static gboolean
set_image (KysoProfileDialog *self, GBytes *png, GError **error)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (!kyso_profile_check_image (png, NULL, NULL, error))
    return FALSE;
  texture = gdk_texture_new_from_bytes (png, error);
  if (texture == NULL)
    return FALSE;

  g_clear_pointer (&self->image, g_bytes_unref);
  self->image = g_bytes_ref (png);
  gtk_picture_set_paintable (self->image_picture, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->image_stack, "image");
  gtk_widget_remove_css_class (self->choose_button, "error");
  return TRUE;
}

typedef struct
{
  KysoProfileDialog *self;
  guint8 *buffer;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->self);
  g_free (data->buffer);
  g_free (data);
}

static void
image_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoadData *data = user_data;
  KysoProfileDialog *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  gsize n = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The file could not be read: %s"), error->message);
          show_error (self, message);
        }
      load_data_free (data);
      return;
    }

  png = g_bytes_new_take (g_steal_pointer (&data->buffer), n);
  if (set_image (self, png, &error))
    hide_error (self);
  else
    flag_field (self, self->choose_button, error);
  load_data_free (data);
}

static void
image_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoadData *data = user_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_read_finish (G_FILE (source), result, &error);
  if (stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The file could not be read: %s"), error->message);
          show_error (data->self, message);
        }
      load_data_free (data);
      return;
    }
  /* One byte over the limit is enough to know a file is too big, whatever its size. */
  data->buffer = g_malloc (KYSO_PROFILE_IMAGE_MAX_BYTES + 1);
  g_input_stream_read_all_async (G_INPUT_STREAM (stream), data->buffer, KYSO_PROFILE_IMAGE_MAX_BYTES + 1,
                                 G_PRIORITY_DEFAULT, data->self->cancellable, image_read_cb, data);
}

void
kyso_profile_dialog_load_image_file (KysoProfileDialog *self, GFile *file)
{
  LoadData *data;

  g_return_if_fail (KYSO_IS_PROFILE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  g_file_read_async (file, G_PRIORITY_DEFAULT, self->cancellable, image_opened_cb, data);
}

static void
chooser_response_cb (KysoProfileDialog *self, int response, GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        kyso_profile_dialog_load_image_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_clicked_cb (KysoProfileDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  /* GtkFileChooserNative goes through the file chooser portal inside Flatpak: Kyso only ever
   * sees the one file the citizen picks. */
  self->chooser = gtk_file_chooser_native_new (_("Choose Signature Image"), GTK_WINDOW (self),
                                                  GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
pad_signed_cb (KysoProfileDialog *self, GBytes *png)
{
  g_autoptr(GError) error = NULL;

  if (!set_image (self, png, &error))
    show_error (self, error->message);
}

/* No picture of one's signature at hand (at a counter, most people): draw it. */
static void
draw_clicked_cb (KysoProfileDialog *self)
{
  kyso_profile_dialog_draw_signature (self);
}

/* Accounts ------------------------------------------------------------------------------ */

static void
account_remove_requested_cb (KysoProfileDialog *self, GtkWidget *row)
{
  adw_preferences_group_remove (self->accounts_group, row);
  g_ptr_array_remove (self->account_rows, row);
}

static GtkWidget *
add_account_row (KysoProfileDialog *self, KysoProfileAccount *account)
{
  GtkWidget *row = kyso_account_row_new (account);

  g_signal_connect_object (row, "remove-requested", G_CALLBACK (account_remove_requested_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->accounts_group, row);
  g_ptr_array_add (self->account_rows, row);
  gtk_widget_remove_css_class (self->add_account_button, "error");
  return row;
}

GtkWidget *
kyso_profile_dialog_add_account (KysoProfileDialog *self)
{
  GtkWidget *row;

  g_return_val_if_fail (KYSO_IS_PROFILE_DIALOG (self), NULL);

  row = add_account_row (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (kyso_account_row_get_dropdown (KYSO_ACCOUNT_ROW (row))));
  return row;
}

static void
add_account_clicked_cb (KysoProfileDialog *self)
{
  kyso_profile_dialog_add_account (self);
}

/* Saving -------------------------------------------------------------------------------- */

static void
set_saving (KysoProfileDialog *self, gboolean saving)
{
  self->saving = saving;
  gtk_widget_set_sensitive (self->save_button, !saving);
}

static void
saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(KysoProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* Ask the result which call it was: the dialog may have been closed (and disposed) since. */
  if (g_async_result_is_tagged (result, kyso_profile_store_update_async))
    ok = kyso_profile_store_update_finish (KYSO_PROFILE_STORE (source), result, &error);
  else
    ok = kyso_profile_store_create_finish (KYSO_PROFILE_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->draft == NULL)
    return; /* closed in the meantime */
  set_saving (self, FALSE);
  if (!ok)
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, self->draft);
  gtk_window_destroy (GTK_WINDOW (self));
}

static char *
entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Copies the form into the draft and checks it field by field, flagging the first at fault. */
static gboolean
collect_and_check (KysoProfileDialog *self)
{
  g_autofree char *name = entry_text (self->name_row);
  g_autofree char *raw_phone = entry_text (self->phone_row);
  g_autofree char *phone = kyso_profile_normalize_phone (raw_phone);
  g_autofree char *keyword = entry_text (self->keyword_row);
  g_autoptr(GError) error = NULL;

  kyso_profile_set_display_name (self->draft, name);
  kyso_profile_set_phone (self->draft, phone);
  kyso_profile_set_keyword (self->draft, keyword);
  kyso_profile_set_image (self->draft, self->image);
  kyso_profile_remove_all_accounts (self->draft);
  for (guint i = 0; i < self->account_rows->len; i++)
    {
      g_autoptr(KysoProfileAccount) account = kyso_account_row_dup_account (self->account_rows->pdata[i]);
      kyso_profile_add_account (self->draft, account);
    }

  if (!kyso_profile_check_image (self->image, NULL, NULL, &error))
    return flag_field (self, self->choose_button, error);
  if (!kyso_profile_check_display_name (name, &error))
    return flag_field (self, GTK_WIDGET (self->name_row), error);
  if (!kyso_profile_check_phone (phone, &error))
    return flag_field (self, GTK_WIDGET (self->phone_row), error);
  if (!kyso_profile_check_keyword (keyword, &error))
    return flag_field (self, GTK_WIDGET (self->keyword_row), error);
  if (self->account_rows->len == 0)
    {
      g_set_error (&error, KYSO_ERROR, KYSO_ERROR_INVALID_INPUT,
                   _("Add at least one signing account with “Add Account”."));
      return flag_field (self, self->add_account_button, error);
    }
  for (guint i = 0; i < self->account_rows->len; i++)
    {
      g_autoptr(KysoProfileAccount) account = kyso_account_row_dup_account (self->account_rows->pdata[i]);

      if (!kyso_profile_account_validate (account, &error))
        {
          show_error (self, error->message);
          kyso_account_row_show_error (self->account_rows->pdata[i]);
          return FALSE;
        }
    }
  /* Whatever the per-field checks do not cover. */
  if (!kyso_profile_validate (self->draft, &error))
    {
      show_error (self, error->message);
      return FALSE;
    }
  hide_error (self);
  return TRUE;
}

void
kyso_profile_dialog_save (KysoProfileDialog *self)
{
  g_return_if_fail (KYSO_IS_PROFILE_DIALOG (self));

  if (self->saving || !collect_and_check (self))
    return;

  set_saving (self, TRUE);
  if (self->original != NULL)
    kyso_profile_store_update_async (self->store, self->draft, self->cancellable, saved_cb,
                                     g_object_ref (self));
  else
    kyso_profile_store_create_async (self->store, self->draft, self->cancellable, saved_cb,
                                     g_object_ref (self));
}

static void
save_clicked_cb (KysoProfileDialog *self)
{
  kyso_profile_dialog_save (self);
}

/* Object -------------------------------------------------------------------------------- */

static void
fill_form (KysoProfileDialog *self)
{
  GListModel *accounts = kyso_profile_get_accounts (self->draft);
  GBytes *png = kyso_profile_get_image (self->draft);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), kyso_profile_get_display_name (self->draft));
  gtk_editable_set_text (GTK_EDITABLE (self->phone_row), kyso_profile_get_phone (self->draft));
  gtk_editable_set_text (GTK_EDITABLE (self->keyword_row), kyso_profile_get_keyword (self->draft));
  /* A stored image that no longer passes stays unset: the form then asks for a new one. */
  if (png != NULL)
    set_image (self, png, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(KysoProfileAccount) account = g_list_model_get_item (accounts, i);
      add_account_row (self, account);
    }
}

static void
kyso_profile_dialog_constructed (GObject *object)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (object);

  G_OBJECT_CLASS (kyso_profile_dialog_parent_class)->constructed (object);

  if (self->original != NULL)
    {
      self->draft = kyso_profile_copy (self->original);
      adw_window_title_set_title (self->window_title, _("Edit Signature"));
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Signature"));
      fill_form (self);
    }
  else
    {
      self->draft = kyso_profile_new ();
      adw_window_title_set_title (self->window_title, _("New Signature"));
      gtk_window_set_title (GTK_WINDOW (self), _("New Signature"));
      /* Every profile needs an account: start with one empty row to fill in. */
      add_account_row (self, NULL);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static gboolean
kyso_profile_dialog_close_request (GtkWindow *window)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  return GTK_WINDOW_CLASS (kyso_profile_dialog_parent_class)->close_request (window);
}

static void
kyso_profile_dialog_dispose (GObject *object)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->chooser);
  g_clear_object (&self->store);
  g_clear_object (&self->original);
  g_clear_object (&self->draft);
  g_clear_pointer (&self->image, g_bytes_unref);
  g_clear_pointer (&self->account_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (kyso_profile_dialog_parent_class)->dispose (object);
}

static void
kyso_profile_dialog_finalize (GObject *object)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kyso_profile_dialog_parent_class)->finalize (object);
}

static void
kyso_profile_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_PROFILE:
        g_value_set_object (value, self->original);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_dialog_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  KysoProfileDialog *self = KYSO_PROFILE_DIALOG (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_PROFILE:
        self->original = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kyso_profile_dialog_class_init (KysoProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = kyso_profile_dialog_constructed;
  object_class->dispose = kyso_profile_dialog_dispose;
  object_class->finalize = kyso_profile_dialog_finalize;
  object_class->get_property = kyso_profile_dialog_get_property;
  object_class->set_property = kyso_profile_dialog_set_property;
  window_class->close_request = kyso_profile_dialog_close_request;

  properties[PROP_STORE]
    = g_param_spec_object ("store", NULL, NULL, KYSO_TYPE_PROFILE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE]
    = g_param_spec_object ("profile", NULL, NULL, KYSO_TYPE_PROFILE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, KYSO_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/kyso/Kyso/ui/kyso-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, choose_button);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, image_stack);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, image_picture);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, phone_row);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, keyword_row);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, KysoProfileDialog, add_account_button);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, draw_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_account_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kyso_profile_dialog_init (KysoProfileDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->account_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

KysoProfileDialog *
kyso_profile_dialog_new (GtkWindow *parent, KysoProfileStore *store, KysoProfile *profile)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (KYSO_IS_PROFILE_STORE (store), NULL);
  g_return_val_if_fail (profile == NULL || KYSO_IS_PROFILE (profile), NULL);

  return g_object_new (KYSO_TYPE_PROFILE_DIALOG, "transient-for", parent, "store", store, "profile", profile,
                       NULL);
}

GBytes *
kyso_profile_dialog_get_image (KysoProfileDialog *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_DIALOG (self), NULL);
  return self->image;
}

const char *
kyso_profile_dialog_get_error (KysoProfileDialog *self)
{
  g_return_val_if_fail (KYSO_IS_PROFILE_DIALOG (self), NULL);
  return gtk_revealer_get_reveal_child (self->error_revealer) ? gtk_label_get_text (self->error_label) : NULL;
}

GtkEditable *
kyso_profile_dialog_get_name_entry (KysoProfileDialog *self)
{
  return GTK_EDITABLE (self->name_row);
}

GtkEditable *
kyso_profile_dialog_get_phone_entry (KysoProfileDialog *self)
{
  return GTK_EDITABLE (self->phone_row);
}

GtkEditable *
kyso_profile_dialog_get_keyword_entry (KysoProfileDialog *self)
{
  return GTK_EDITABLE (self->keyword_row);
}

GPtrArray *
kyso_profile_dialog_get_account_rows (KysoProfileDialog *self)
{
  return self->account_rows;
}

gboolean
kyso_profile_dialog_is_saving (KysoProfileDialog *self)
{
  return self->saving;
}

KysoSignaturePad *
kyso_profile_dialog_draw_signature (KysoProfileDialog *self)
{
  KysoSignaturePad *pad;

  g_return_val_if_fail (KYSO_IS_PROFILE_DIALOG (self), NULL);

  pad = kyso_signature_pad_new (GTK_WINDOW (self));
  g_signal_connect_object (pad, "signed", G_CALLBACK (pad_signed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (pad));
  return pad;
}
