/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-archive.h"
#include "beacon-intake-dialog.h"
#include "beacon-ticket.h"
#include "beacon-time.h"

/* The form an operator fills while the customer is still on the line: who
 * calls, from which site, what kind of request, how grave, and what they see.
 * The customer field searches the archive as the operator types; a caller
 * the archive does not know yet, and their site, contact or system, can be
 * added on the spot without leaving the form. */

#define DEFAULT_LEVEL 3
#define MIN_MATCHES_WIDTH 360

struct _BeaconIntakeDialog
{
  AdwWindow           parent_instance;

  BeaconStore        *store;
  GPtrArray          *customers;        /* BeaconCustomer, the whole archive */
  GPtrArray          *matches;          /* BeaconCustomer, borrowed, as in customer_matches */
  char               *new_customer_name; /* offered after the matches, or %NULL */
  BeaconCustomer     *chosen_customer;  /* with its sites */
  GArray             *kinds;            /* BeaconTicketKind, as in kind_names */
  guint               setting_customer_text : 1;

  /* Template widgets */
  GtkLabel           *store_error_label;
  AdwEntryRow        *customer_row;
  GtkLabel           *customer_error_label;
  GtkPopover         *customer_popover;
  GtkListView        *customer_list;
  GtkSingleSelection *customer_selection;
  GtkStringList      *customer_matches;
  GtkStringList      *customer_offer;
  AdwComboRow        *site_row;
  GtkStringList      *site_names;
  AdwEntryRow        *new_site_row;
  GtkLabel           *new_site_error_label;
  AdwComboRow        *contact_row;
  GtkStringList      *contact_names;
  AdwEntryRow        *new_contact_row;
  GtkLabel           *new_contact_error_label;
  AdwComboRow        *system_row;
  GtkStringList      *system_names;
  AdwEntryRow        *new_system_row;
  GtkLabel           *new_system_error_label;
  AdwEntryRow        *fault_time_row;
  GtkLabel           *fault_time_error_label;
  AdwExpanderRow     *checklist_row;
  GtkCheckButton     *checks[11];
  GPtrArray          *contact_ids;      /* as in contact_names, [0] = none */
  GPtrArray          *system_ids;       /* as in system_names, [0] = none */
  guint               level_chosen : 1; /* the operator overrode the suggestion */
  guint               suggesting : 1;
  AdwComboRow        *channel_row;
  AdwComboRow        *kind_row;
  GtkStringList      *kind_names;
  AdwComboRow        *level_row;
  GtkStringList      *level_names;
  AdwEntryRow        *summary_row;
  GtkLabel           *summary_error_label;
  GtkTextView        *symptoms_view;
};

G_DEFINE_FINAL_TYPE (BeaconIntakeDialog, beacon_intake_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

enum {
  TICKET_CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The service plan's characteristics per level (DESIGN.md 2.1). */
static const struct
{
  int         level;
  const char *text;
} characteristics[] = {
  { 1, N_("Data corrupted") },
  { 1, N_("System hung") },
  { 1, N_("Critical business down for more than 30 minutes") },
  { 1, N_("Still down after a restart") },
  { 2, N_("Measurement, diagnosis or alarm capability reduced") },
  { 2, N_("Interruptions totalling more than 1 hour in 24 hours") },
  { 3, N_("Partial degradation without a workaround") },
  { 4, N_("Log full") },
  { 4, N_("Backup abnormal") },
  { 4, N_("Disk space running out") },
  { 4, N_("A question about use or configuration") },
};

/* In the order of the “Received via” list in the template. */
static const char * const channels[] = { "phone", "email", "fax", "alarm" };

static void
show_store_error (BeaconIntakeDialog *self,
                  const char         *message)
{
  gtk_label_set_label (self->store_error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->store_error_label), TRUE);
}

static void
set_field_error (GtkWidget *row,
                 GtkLabel  *error_label,
                 gboolean   in_error)
{
  gtk_widget_set_visible (GTK_WIDGET (error_label), in_error);

  if (in_error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
show_field_error (GtkWidget  *row,
                  GtkLabel   *error_label,
                  const char *message)
{
  gtk_label_set_label (error_label, message);
  set_field_error (row, error_label, TRUE);
}

static char *
dup_stripped_text (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static gboolean
customer_matches_text (const BeaconCustomer *customer,
                       const char           *folded_text)
{
  g_autofree char *folded_name = g_utf8_casefold (customer->name ? customer->name : "", -1);
  g_autofree char *folded_code = g_utf8_casefold (customer->code ? customer->code : "", -1);

  return strstr (folded_name, folded_text) != NULL || strstr (folded_code, folded_text) != NULL;
}

/* Typing the whole name (or code) counts as choosing, even without picking it
 * from the list. */
static const BeaconCustomer *
find_exact_customer (BeaconIntakeDialog *self,
                     const char         *text)
{
  g_autofree char *folded_text = g_utf8_casefold (text, -1);

  if (*folded_text == '\0')
    return NULL;

  for (guint i = 0; i < self->customers->len; i++)
    {
      BeaconCustomer *customer = g_ptr_array_index (self->customers, i);
      g_autofree char *folded_name = g_utf8_casefold (customer->name ? customer->name : "", -1);
      g_autofree char *folded_code = g_utf8_casefold (customer->code ? customer->code : "", -1);

      if (g_str_equal (folded_name, folded_text) || g_str_equal (folded_code, folded_text))
        return customer;
    }

  return NULL;
}

static void
update_customer_matches (BeaconIntakeDialog *self,
                         const char         *text)
{
  g_autofree char *folded_text = g_utf8_casefold (text, -1);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->customer_matches));
  guint n_old_offers = g_list_model_get_n_items (G_LIST_MODEL (self->customer_offer));

  g_ptr_array_set_size (self->matches, 0);
  g_clear_pointer (&self->new_customer_name, g_free);

  for (guint i = 0; i < self->customers->len; i++)
    {
      BeaconCustomer *customer = g_ptr_array_index (self->customers, i);

      if (customer_matches_text (customer, folded_text))
        {
          g_ptr_array_add (self->matches, customer);
          g_ptr_array_add (names, customer->name);
        }
    }

  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->customer_matches, 0, n_old, (const char * const *)names->pdata);

  /* A caller the archive does not know yet: the last choice adds them. */
  if (*text != '\0' && find_exact_customer (self, text) == NULL)
    {
      /* Translators: the last line of the customer matches; %s is what the operator typed */
      g_autofree char *offer = g_strdup_printf (_("Add “%s” as a new customer"), text);
      const char * const offers[] = { offer, NULL };

      self->new_customer_name = g_strdup (text);
      gtk_string_list_splice (self->customer_offer, 0, n_old_offers, offers);
    }
  else
    {
      gtk_string_list_splice (self->customer_offer, 0, n_old_offers, NULL);
    }

  if (self->matches->len > 0 || self->new_customer_name != NULL)
    gtk_single_selection_set_selected (self->customer_selection, 0);
}

/* The matches, and the offer to add a new customer after them. */
static guint
count_customer_choices (BeaconIntakeDialog *self)
{
  return self->matches->len + (self->new_customer_name != NULL ? 1 : 0);
}

static void
clear_customer_matches (BeaconIntakeDialog *self)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->customer_matches));
  guint n_old_offers = g_list_model_get_n_items (G_LIST_MODEL (self->customer_offer));

  g_ptr_array_set_size (self->matches, 0);
  g_clear_pointer (&self->new_customer_name, g_free);
  gtk_string_list_splice (self->customer_matches, 0, n_old, NULL);
  gtk_string_list_splice (self->customer_offer, 0, n_old_offers, NULL);
}

static void
show_customer_popover (BeaconIntakeDialog *self,
                       gboolean            show)
{
  GtkWidget *popover = GTK_WIDGET (self->customer_popover);

  if (!show)
    {
      gtk_popover_popdown (self->customer_popover);
      return;
    }

  /* As wide as the field, once the field has a width. */
  gtk_widget_set_size_request (popover,
                               MAX (gtk_widget_get_width (GTK_WIDGET (self->customer_row)),
                                    MIN_MATCHES_WIDTH),
                               -1);
  gtk_popover_popup (self->customer_popover);
}

static void
fill_people_and_systems (BeaconIntakeDialog *self,
                         const char         *site_id)
{
  BeaconCustomer *customer = self->chosen_customer;
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) systems = g_ptr_array_new_with_free_func (g_free);
  guint n_old;

  g_ptr_array_set_size (self->contact_ids, 0);
  g_ptr_array_set_size (self->system_ids, 0);
  g_ptr_array_add (self->contact_ids, NULL);
  g_ptr_array_add (self->system_ids, NULL);
  g_ptr_array_add (contacts, g_strdup (_("Not recorded")));
  g_ptr_array_add (systems, g_strdup (_("Not recorded")));

  /* The site's own, and the customer's that belong to no site. */
  for (guint i = 0; customer != NULL && customer->contacts != NULL && i < customer->contacts->len; i++)
    {
      BeaconContact *contact = g_ptr_array_index (customer->contacts, i);

      if (contact->site_id != NULL && *contact->site_id && g_strcmp0 (contact->site_id, site_id) != 0)
        continue;
      g_ptr_array_add (self->contact_ids, contact->id);
      g_ptr_array_add (contacts, contact->phone && *contact->phone
                                   ? g_strdup_printf ("%s · %s", contact->name, contact->phone)
                                   : g_strdup (contact->name));
    }
  for (guint i = 0; customer != NULL && customer->systems != NULL && i < customer->systems->len; i++)
    {
      BeaconSystem *system = g_ptr_array_index (customer->systems, i);

      if (system->site_id != NULL && *system->site_id && g_strcmp0 (system->site_id, site_id) != 0)
        continue;
      g_ptr_array_add (self->system_ids, system->id);
      g_ptr_array_add (systems, system->model && *system->model
                                  ? g_strdup_printf ("%s (%s)", system->name, system->model)
                                  : g_strdup (system->name));
    }
  g_ptr_array_add (contacts, NULL);
  g_ptr_array_add (systems, NULL);

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->contact_names));
  gtk_string_list_splice (self->contact_names, 0, n_old, (const char * const *) contacts->pdata);
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->system_names));
  gtk_string_list_splice (self->system_names, 0, n_old, (const char * const *) systems->pdata);

  /* One on record is most likely the one calling. */
  adw_combo_row_set_selected (self->contact_row, self->contact_ids->len == 2 ? 1 : 0);
  adw_combo_row_set_selected (self->system_row, self->system_ids->len == 2 ? 1 : 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->contact_row), self->contact_ids->len > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->system_row), self->system_ids->len > 1);
}

static const char *get_chosen_site_id (BeaconIntakeDialog *self);

static void
on_site_selected_cb (BeaconIntakeDialog *self)
{
  fill_people_and_systems (self, self->chosen_customer ? get_chosen_site_id (self) : NULL);
}

/* The most serious level ticked wins; nothing ticked suggests nothing. */
static void
on_check_toggled_cb (BeaconIntakeDialog *self)
{
  int suggested = 0;

  for (guint i = 0; i < G_N_ELEMENTS (characteristics); i++)
    if (gtk_check_button_get_active (self->checks[i]) &&
        (suggested == 0 || characteristics[i].level < suggested))
      suggested = characteristics[i].level;

  if (suggested == 0)
    {
      adw_expander_row_set_subtitle (self->checklist_row,
                                     _("Tick what the caller reports; the level follows unless you choose it"));
      return;
    }

  {
    /* Translators: under the grading checklist, e.g. “Suggests Level 1 (critical)” */
    g_autofree char *subtitle = g_strdup_printf (_("Suggests %s"), beacon_level_get_label (suggested));

    adw_expander_row_set_subtitle (self->checklist_row, subtitle);
  }

  if (!self->level_chosen)
    {
      self->suggesting = TRUE;
      adw_combo_row_set_selected (self->level_row, suggested - BEACON_LEVEL_MIN);
      self->suggesting = FALSE;
    }
}

static void
on_level_selected_cb (BeaconIntakeDialog *self)
{
  if (!self->suggesting)
    self->level_chosen = TRUE;
}

static void
fill_checklist (BeaconIntakeDialog *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (characteristics); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *subtitle = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(characteristics[i].text));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), beacon_level_get_label (characteristics[i].level));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_check_toggled_cb), self);
      adw_expander_row_add_row (self->checklist_row, row);
      self->checks[i] = GTK_CHECK_BUTTON (check);
    }
}

static void
on_fault_time_row_changed_cb (BeaconIntakeDialog *self)
{
  set_field_error (GTK_WIDGET (self->fault_time_row), self->fault_time_error_label, FALSE);
}

static void
fill_sites (BeaconIntakeDialog *self)
{
  GPtrArray *sites = self->chosen_customer ? self->chosen_customer->sites : NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->site_names));
  gboolean has_sites = sites != NULL && sites->len > 0;

  if (has_sites)
    {
      for (guint i = 0; i < sites->len; i++)
        g_ptr_array_add (names, ((BeaconSite *)g_ptr_array_index (sites, i))->name);
    }
  else if (self->chosen_customer != NULL)
    {
      g_ptr_array_add (names, (gpointer)_("No sites on record"));
    }
  else
    {
      g_ptr_array_add (names, (gpointer)_("Choose a customer first"));
    }
  g_ptr_array_add (names, NULL);

  gtk_string_list_splice (self->site_names, 0, n_old, (const char * const *)names->pdata);
  adw_combo_row_set_selected (self->site_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->site_row), has_sites);

  /* What the archive lacks can be added once it is clear whose it is. */
  gtk_widget_set_visible (GTK_WIDGET (self->new_site_row), self->chosen_customer != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->new_contact_row), self->chosen_customer != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->new_system_row), self->chosen_customer != NULL);
  if (self->chosen_customer == NULL)
    {
      set_field_error (GTK_WIDGET (self->new_site_row), self->new_site_error_label, FALSE);
      set_field_error (GTK_WIDGET (self->new_contact_row), self->new_contact_error_label, FALSE);
      set_field_error (GTK_WIDGET (self->new_system_row), self->new_system_error_label, FALSE);
    }
  fill_people_and_systems (self, has_sites ? get_chosen_site_id (self) : NULL);
}

static void
set_customer_text (BeaconIntakeDialog *self,
                   const char         *text)
{
  self->setting_customer_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->customer_row), text);
  gtk_editable_set_position (GTK_EDITABLE (self->customer_row), -1);
  self->setting_customer_text = FALSE;
}

static void
choose_customer (BeaconIntakeDialog *self,
                 const char         *customer_id)
{
  g_autoptr(GError) error = NULL;
  BeaconCustomer *full;

  /* The archive list may leave out the sites; the full record has them. */
  full = beacon_store_find_customer (self->store, customer_id, &error);
  if (full == NULL)
    {
      show_store_error (self, error->message);
      return;
    }

  g_clear_pointer (&self->chosen_customer, beacon_customer_free);
  self->chosen_customer = full;

  set_customer_text (self, full->name);
  show_customer_popover (self, FALSE);
  set_field_error (GTK_WIDGET (self->customer_row), self->customer_error_label, FALSE);
  fill_sites (self);
}

static void
forget_customer (BeaconIntakeDialog *self)
{
  if (self->chosen_customer == NULL)
    return;

  g_clear_pointer (&self->chosen_customer, beacon_customer_free);
  fill_sites (self);
}

static void load_customers (BeaconIntakeDialog *self);

/* A single small write: the operator waits for it anyway, as the rest of
 * the form depends on the new record. */
static void
add_new_customer (BeaconIntakeDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = NULL;

  g_assert (self->new_customer_name != NULL);

  customer_id = beacon_store_add_customer (self->store, self->new_customer_name, NULL, &error);
  if (customer_id == NULL)
    {
      show_customer_popover (self, FALSE);
      show_field_error (GTK_WIDGET (self->customer_row), self->customer_error_label, error->message);
      return;
    }

  /* So that the next search finds the newcomer too. */
  load_customers (self);
  choose_customer (self, customer_id);

  /* A new customer has no sites yet; the likely next step is to add one. */
  if (self->chosen_customer != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_site_row));
}

static void
choose_match (BeaconIntakeDialog *self,
              guint               position)
{
  if (position < self->matches->len)
    {
      const BeaconCustomer *customer = g_ptr_array_index (self->matches, position);

      choose_customer (self, customer->id);
    }
  else if (position == self->matches->len && self->new_customer_name != NULL)
    {
      add_new_customer (self);
    }
}

static void
choose_selected_match (BeaconIntakeDialog *self)
{
  choose_match (self, gtk_single_selection_get_selected (self->customer_selection));
}

static void
on_customer_row_changed_cb (BeaconIntakeDialog *self,
                            GtkEditable        *editable)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  if (self->setting_customer_text)
    return;

  set_field_error (GTK_WIDGET (self->customer_row), self->customer_error_label, FALSE);

  if (self->chosen_customer != NULL && g_strcmp0 (text, self->chosen_customer->name) != 0)
    forget_customer (self);

  update_customer_matches (self, stripped);
  show_customer_popover (self, *stripped != '\0' && count_customer_choices (self) > 0);
}

static void
on_customer_row_entry_activated_cb (BeaconIntakeDialog *self,
                                    AdwEntryRow        *row)
{
  if (self->chosen_customer == NULL && count_customer_choices (self) > 0)
    choose_selected_match (self);
}

static void
on_customer_list_activate_cb (BeaconIntakeDialog *self,
                              guint               position,
                              GtkListView        *list)
{
  choose_match (self, position);
}

/* The popover never takes the focus, so the keys that walk its list are
 * caught on the way to the entry, as GtkEntryCompletion did. */
static gboolean
on_customer_key_pressed_cb (GtkEventControllerKey *controller,
                            guint                  keyval,
                            guint                  keycode,
                            GdkModifierType        state,
                            BeaconIntakeDialog    *self)
{
  guint position = gtk_single_selection_get_selected (self->customer_selection);
  guint n_matches = count_customer_choices (self);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->customer_popover)) || n_matches == 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      position = position == GTK_INVALID_LIST_POSITION ? 0 : MIN (position + 1, n_matches - 1);
      break;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      position = position == GTK_INVALID_LIST_POSITION || position == 0 ? 0 : position - 1;
      break;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      choose_selected_match (self);
      return GDK_EVENT_STOP;

    case GDK_KEY_Escape:
      show_customer_popover (self, FALSE);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }

  gtk_single_selection_set_selected (self->customer_selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->customer_list), "list.scroll-to-item", "u", position);

  return GDK_EVENT_STOP;
}

/* The matches belong to the customer field: moving on to another field puts
 * them away. Clicking one does not move the dialog's focus, as the popover
 * is a surface of its own. */
static void
on_focus_widget_changed_cb (BeaconIntakeDialog *self,
                            GParamSpec         *pspec,
                            gpointer            user_data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->customer_row)))
    show_customer_popover (self, FALSE);
}

static void
on_summary_row_changed_cb (BeaconIntakeDialog *self,
                           GtkEditable        *editable)
{
  set_field_error (GTK_WIDGET (self->summary_row), self->summary_error_label, FALSE);
}

static char *
dup_symptoms (BeaconIntakeDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->symptoms_view);
  GtkTextIter start, end;
  char *text;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  return g_strstrip (text);
}

static const char *
get_chosen_site_id (BeaconIntakeDialog *self)
{
  GPtrArray *sites = self->chosen_customer->sites;
  guint position = adw_combo_row_get_selected (self->site_row);

  if (sites == NULL || position >= sites->len)
    return NULL;

  return ((BeaconSite *)g_ptr_array_index (sites, position))->id;
}

static void
beacon_intake_dialog_create (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  BeaconIntakeDialog *self = BEACON_INTAKE_DIALOG (widget);
  g_autofree char *summary = NULL;
  g_autofree char *symptoms = NULL;
  g_autoptr(BeaconTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;
  BeaconTicketDraft draft = { 0 };
  GtkWidget *first_invalid = NULL;
  guint kind_position, level_position, channel_position;

  if (self->chosen_customer == NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->customer_row));
      g_autofree char *stripped = g_strstrip (g_strdup (text));
      const BeaconCustomer *customer = find_exact_customer (self, stripped);

      if (customer != NULL)
        choose_customer (self, customer->id);
    }

  if (self->chosen_customer == NULL)
    {
      show_customer_popover (self, FALSE);
      show_field_error (GTK_WIDGET (self->customer_row), self->customer_error_label,
                        _("Choose a customer"));
      first_invalid = GTK_WIDGET (self->customer_row);
    }

  summary = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->summary_row))));
  if (*summary == '\0')
    {
      set_field_error (GTK_WIDGET (self->summary_row), self->summary_error_label, TRUE);
      if (first_invalid == NULL)
        first_invalid = GTK_WIDGET (self->summary_row);
    }

  {
    g_autofree char *fault_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->fault_time_row))));
    g_autoptr(GTimeZone) local = g_time_zone_new_local ();

    if (*fault_text != '\0' && !beacon_time_parse (fault_text, local, &draft.fault_at, NULL))
      {
        set_field_error (GTK_WIDGET (self->fault_time_row), self->fault_time_error_label, TRUE);
        if (first_invalid == NULL)
          first_invalid = GTK_WIDGET (self->fault_time_row);
      }
  }

  if (first_invalid != NULL)
    {
      gtk_widget_grab_focus (first_invalid);
      return;
    }

  kind_position = adw_combo_row_get_selected (self->kind_row);
  level_position = adw_combo_row_get_selected (self->level_row);
  channel_position = adw_combo_row_get_selected (self->channel_row);
  symptoms = dup_symptoms (self);

  draft.kind = kind_position < self->kinds->len
             ? g_array_index (self->kinds, BeaconTicketKind, kind_position)
             : BEACON_KIND_FAULT;
  draft.level = level_position < BEACON_LEVEL_MAX ? (int)level_position + BEACON_LEVEL_MIN
                                                  : DEFAULT_LEVEL;
  draft.customer_id = self->chosen_customer->id;
  draft.site_id = get_chosen_site_id (self);
  {
    guint contact = adw_combo_row_get_selected (self->contact_row);
    guint system = adw_combo_row_get_selected (self->system_row);

    draft.contact_id = contact < self->contact_ids->len ? g_ptr_array_index (self->contact_ids, contact) : NULL;
    draft.system_id = system < self->system_ids->len ? g_ptr_array_index (self->system_ids, system) : NULL;
  }
  draft.channel = channel_position < G_N_ELEMENTS (channels) ? channels[channel_position]
                                                            : channels[0];
  draft.summary = summary;
  draft.symptoms = *symptoms ? symptoms : NULL;

  ticket = beacon_store_create_ticket (self->store, &draft, &error);
  if (ticket == NULL)
    {
      /* Translators: %s is the store's explanation */
      g_autofree char *message = g_strdup_printf (_("The ticket was not created: %s"),
                                                  error->message);

      g_debug ("Could not create a ticket: %s", error->message);
      show_store_error (self, message);
      return;
    }

  g_signal_emit (self, signals[TICKET_CREATED], 0, ticket->number);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
select_string_id (AdwComboRow *row,
                  GPtrArray   *ids,
                  const char  *id)
{
  for (guint i = 0; id != NULL && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

/* Reads the chosen customer again after an addition, and selects what was
 * added: @site_id (or else the site chosen before), @contact_id, @system_id. */
static void
reload_customer (BeaconIntakeDialog *self,
                 const char         *site_id,
                 const char         *contact_id,
                 const char         *system_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *chosen_site_id = g_strdup (site_id ? site_id : get_chosen_site_id (self));
  BeaconCustomer *full;

  full = beacon_store_find_customer (self->store, self->chosen_customer->id, &error);
  if (full == NULL)
    {
      show_store_error (self, error->message);
      return;
    }

  g_clear_pointer (&self->chosen_customer, beacon_customer_free);
  self->chosen_customer = full;
  fill_sites (self);

  for (guint i = 0; chosen_site_id != NULL && i < full->sites->len; i++)
    if (g_strcmp0 (((BeaconSite *)g_ptr_array_index (full->sites, i))->id, chosen_site_id) == 0)
      adw_combo_row_set_selected (self->site_row, i);

  select_string_id (self->contact_row, self->contact_ids, contact_id);
  select_string_id (self->system_row, self->system_ids, system_id);
}

static void
on_new_site_row_changed_cb (BeaconIntakeDialog *self)
{
  set_field_error (GTK_WIDGET (self->new_site_row), self->new_site_error_label, FALSE);
}

static void
on_new_site_row_entry_activated_cb (BeaconIntakeDialog *self)
{
  g_autofree char *name = dup_stripped_text (self->new_site_row);
  g_autofree char *site_id = NULL;
  g_autoptr(GError) error = NULL;

  if (self->chosen_customer == NULL)
    return;

  site_id = beacon_store_add_site (self->store, self->chosen_customer->id, name, NULL, &error);
  if (site_id == NULL)
    {
      show_field_error (GTK_WIDGET (self->new_site_row), self->new_site_error_label, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_site_row), "");
  reload_customer (self, site_id, NULL, NULL);
}

static gboolean
is_phone_char (char c)
{
  return g_ascii_isdigit (c) || strchr ("+-() ", c) != NULL;
}

/* “王工 138 0013 8000”: what the text ends with is the phone when it looks
 * like one, with at least a few digits; the rest is the name. */
static void
split_contact (const char  *text,
               char       **name,
               char       **phone)
{
  const char *start = text + strlen (text);
  guint n_digits = 0;

  while (start > text && is_phone_char (start[-1]))
    {
      start--;
      if (g_ascii_isdigit (*start))
        n_digits++;
    }

  if (n_digits < 3)
    start = text + strlen (text);

  *name = g_strstrip (g_strndup (text, start - text));
  *phone = *start ? g_strstrip (g_strdup (start)) : NULL;
}

static void
on_new_contact_row_changed_cb (BeaconIntakeDialog *self)
{
  set_field_error (GTK_WIDGET (self->new_contact_row), self->new_contact_error_label, FALSE);
}

static void
on_new_contact_row_entry_activated_cb (BeaconIntakeDialog *self)
{
  g_autofree char *text = dup_stripped_text (self->new_contact_row);
  g_autofree char *name = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *contact_id = NULL;
  g_autoptr(GError) error = NULL;

  if (self->chosen_customer == NULL)
    return;

  split_contact (text, &name, &phone);
  contact_id = beacon_store_add_contact (self->store, self->chosen_customer->id,
                                         get_chosen_site_id (self), name, phone, &error);
  if (contact_id == NULL)
    {
      show_field_error (GTK_WIDGET (self->new_contact_row), self->new_contact_error_label,
                        error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_contact_row), "");
  reload_customer (self, NULL, contact_id, NULL);
}

static void
on_new_system_row_changed_cb (BeaconIntakeDialog *self)
{
  set_field_error (GTK_WIDGET (self->new_system_row), self->new_system_error_label, FALSE);
}

static void
on_new_system_row_entry_activated_cb (BeaconIntakeDialog *self)
{
  g_autofree char *name = dup_stripped_text (self->new_system_row);
  g_autofree char *system_id = NULL;
  g_autoptr(GError) error = NULL;

  if (self->chosen_customer == NULL)
    return;

  system_id = beacon_store_add_system (self->store, self->chosen_customer->id,
                                       get_chosen_site_id (self), name, NULL, NULL, &error);
  if (system_id == NULL)
    {
      show_field_error (GTK_WIDGET (self->new_system_row), self->new_system_error_label,
                        error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_system_row), "");
  reload_customer (self, NULL, NULL, system_id);
}

static void
fill_choices (BeaconIntakeDialog *self)
{
  for (BeaconTicketKind kind = 0; kind < BEACON_N_KINDS; kind++)
    {
      /* Investigations are opened by escalation, never by a caller. */
      if (kind == BEACON_KIND_INVESTIGATION)
        continue;

      g_array_append_val (self->kinds, kind);
      gtk_string_list_append (self->kind_names, beacon_kind_get_label (kind));
    }
  adw_combo_row_set_selected (self->kind_row, 0);

  for (int level = BEACON_LEVEL_MIN; level <= BEACON_LEVEL_MAX; level++)
    gtk_string_list_append (self->level_names, beacon_level_get_label (level));
  adw_combo_row_set_selected (self->level_row, DEFAULT_LEVEL - BEACON_LEVEL_MIN);
}

static void
load_customers (BeaconIntakeDialog *self)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *customers;

  customers = beacon_store_list_customers (self->store, &error);
  if (customers == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The customer archive could not be read: %s"),
                                                  error->message);

      show_store_error (self, message);
      return;
    }

  /* The matches point into the list being replaced. */
  clear_customer_matches (self);
  g_clear_pointer (&self->customers, g_ptr_array_unref);
  self->customers = customers;
}

static void
beacon_intake_dialog_constructed (GObject *object)
{
  BeaconIntakeDialog *self = (BeaconIntakeDialog *)object;

  G_OBJECT_CLASS (beacon_intake_dialog_parent_class)->constructed (object);

  g_assert (BEACON_IS_STORE (self->store));

  load_customers (self);
}

static void
beacon_intake_dialog_dispose (GObject *object)
{
  BeaconIntakeDialog *self = (BeaconIntakeDialog *)object;

  if (self->customer_popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->customer_popover));

  gtk_widget_dispose_template (GTK_WIDGET (self), BEACON_TYPE_INTAKE_DIALOG);

  G_OBJECT_CLASS (beacon_intake_dialog_parent_class)->dispose (object);
}

static void
beacon_intake_dialog_finalize (GObject *object)
{
  BeaconIntakeDialog *self = (BeaconIntakeDialog *)object;

  g_clear_pointer (&self->chosen_customer, beacon_customer_free);
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  g_clear_pointer (&self->new_customer_name, g_free);
  g_clear_pointer (&self->customers, g_ptr_array_unref);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_clear_pointer (&self->contact_ids, g_ptr_array_unref);
  g_clear_pointer (&self->system_ids, g_ptr_array_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (beacon_intake_dialog_parent_class)->finalize (object);
}

static void
beacon_intake_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  BeaconIntakeDialog *self = BEACON_INTAKE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_intake_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  BeaconIntakeDialog *self = BEACON_INTAKE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
beacon_intake_dialog_class_init (BeaconIntakeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = beacon_intake_dialog_constructed;
  object_class->dispose = beacon_intake_dialog_dispose;
  object_class->finalize = beacon_intake_dialog_finalize;
  object_class->get_property = beacon_intake_dialog_get_property;
  object_class->set_property = beacon_intake_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         BEACON_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * BeaconIntakeDialog::ticket-created:
   * @self: the dialog
   * @number: the number the store issued
   *
   * Emitted once the ticket is committed, just before the dialog closes.
   */
  signals[TICKET_CREATED] =
    g_signal_new ("ticket-created",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-intake-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, store_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_popover);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_list);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_selection);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_matches);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, customer_offer);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, site_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, site_names);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_site_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_site_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_contact_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_contact_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_system_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, new_system_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, channel_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, contact_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, contact_names);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, system_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, system_names);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, fault_time_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, fault_time_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, checklist_row);
  gtk_widget_class_bind_template_callback (widget_class, on_fault_time_row_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, kind_names);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, level_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, level_names);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, summary_row);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, summary_error_label);
  gtk_widget_class_bind_template_child (widget_class, BeaconIntakeDialog, symptoms_view);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_summary_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_site_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_site_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_contact_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_contact_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_system_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_system_row_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "intake.create", NULL,
                                   beacon_intake_dialog_create);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "intake.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "intake.create", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static void
beacon_intake_dialog_init (BeaconIntakeDialog *self)
{
  GtkEventController *controller;
  GListStore *models = g_list_store_new (G_TYPE_LIST_MODEL);
  g_autoptr(GtkFlattenListModel) customer_choices = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The matches, then the offer to add a new customer. */
  g_list_store_append (models, self->customer_matches);
  g_list_store_append (models, self->customer_offer);
  customer_choices = gtk_flatten_list_model_new (G_LIST_MODEL (models));
  gtk_single_selection_set_model (self->customer_selection, G_LIST_MODEL (customer_choices));

  self->customers = g_ptr_array_new_with_free_func ((GDestroyNotify)beacon_customer_free);
  self->matches = g_ptr_array_new ();
  self->kinds = g_array_new (FALSE, FALSE, sizeof (BeaconTicketKind));
  self->contact_ids = g_ptr_array_new ();
  self->system_ids = g_ptr_array_new ();

  gtk_widget_set_parent (GTK_WIDGET (self->customer_popover), GTK_WIDGET (self->customer_row));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed",
                           G_CALLBACK (on_customer_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->customer_row), controller);

  fill_choices (self);
  fill_checklist (self);
  fill_sites (self);
  g_signal_connect_swapped (self->site_row, "notify::selected", G_CALLBACK (on_site_selected_cb), self);
  g_signal_connect_swapped (self->level_row, "notify::selected", G_CALLBACK (on_level_selected_cb), self);

  gtk_widget_grab_focus (GTK_WIDGET (self->customer_row));
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_widget_changed_cb), NULL);
}

/**
 * beacon_intake_dialog_new:
 * @parent: the window the form belongs to
 * @store: where the ticket is recorded
 *
 * Returns: (transfer full): a new “New Ticket” form, not yet shown
 */
BeaconIntakeDialog *
beacon_intake_dialog_new (GtkWindow   *parent,
                          BeaconStore *store)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (BEACON_IS_STORE (store), NULL);

  return g_object_new (BEACON_TYPE_INTAKE_DIALOG,
                       "transient-for", parent,
                       "application", gtk_window_get_application (parent),
                       "store", store,
                       NULL);
}

BeaconStore *
beacon_intake_dialog_get_store (BeaconIntakeDialog *self)
{
  g_return_val_if_fail (BEACON_IS_INTAKE_DIALOG (self), NULL);

  return self->store;
}
