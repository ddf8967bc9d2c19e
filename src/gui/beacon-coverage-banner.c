/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "beacon-calendar.h"
#include "beacon-policy.h"
#include "beacon-coverage-banner.h"

/* A warning across the top of the board when a calendar of the current
 * policy has holiday data but not for the next 60 days: due times after its
 * New Year would be computed without that year's holidays. Checked at start,
 * once a day and when the store changes (a calendar was imported). */

#define CHECK_SECONDS (24 * 60 * 60)

struct _BeaconCoverageBanner
{
  AdwBin        parent_instance;

  BeaconStore  *store;
  GCancellable *cancellable;
  char         *message;
  char         *dismissed;
  guint         check_id;
  guint         n_checks;
  guint         checking : 1;
  guint         check_again : 1;

  /* Template widgets */
  GtkInfoBar   *info_bar;
  GtkLabel     *message_label;
};

G_DEFINE_FINAL_TYPE (BeaconCoverageBanner, beacon_coverage_banner, ADW_TYPE_BIN)

static void
check_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  BeaconStore *store = task_data;
  g_autoptr(BeaconPolicy) policy = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  g_autoptr(GString) messages = g_string_new (NULL);
  gint64 now = beacon_store_now (store);

  policy = beacon_store_dup_policy (store, beacon_store_get_policy_version (store), NULL);
  for (guint i = 0; policy != NULL && i < policy->rules->len; i++)
    {
      const BeaconMetricRule *rule = g_ptr_array_index (policy->rules, i);
      g_autoptr(BeaconCalendar) calendar = NULL;
      g_autofree char *warning = NULL;

      if (rule->calendar == NULL || *rule->calendar == '\0' ||
          g_ptr_array_find_with_equal_func (seen, rule->calendar, g_str_equal, NULL))
        continue;
      g_ptr_array_add (seen, rule->calendar);

      calendar = beacon_store_dup_calendar (store, rule->calendar, NULL);
      if (calendar == NULL || !beacon_calendar_has_holiday_data (calendar))
        continue;

      warning = beacon_calendar_dup_coverage_warning (calendar, now);
      if (warning != NULL)
        {
          if (messages->len > 0)
            g_string_append_c (messages, '\n');
          g_string_append (messages, warning);
        }
    }

  g_task_return_pointer (task, messages->len > 0 ? g_strdup (messages->str) : NULL, g_free);
}

static void
on_checked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  BeaconCoverageBanner *self = BEACON_COVERAGE_BANNER (object);
  g_autoptr(GError) error = NULL;
  char *message;

  message = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->checking = FALSE;
  self->n_checks++;
  g_free (self->message);
  self->message = message;

  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_info_bar_set_revealed (self->info_bar,
                             message != NULL && g_strcmp0 (message, self->dismissed) != 0);

  if (self->check_again)
    {
      self->check_again = FALSE;
      beacon_coverage_banner_check (self);
    }
}

static void
on_info_bar_response_cb (BeaconCoverageBanner *self,
                         int                   response)
{
  /* Until the warning says something else, e.g. the next day's check. */
  g_free (self->dismissed);
  self->dismissed = g_strdup (self->message);
  gtk_info_bar_set_revealed (self->info_bar, FALSE);
}

static gboolean
on_daily_check_cb (gpointer user_data)
{
  BeaconCoverageBanner *self = user_data;

  g_clear_pointer (&self->dismissed, g_free);
  beacon_coverage_banner_check (self);

  return G_SOURCE_CONTINUE;
}

static void
on_store_changed_cb (BeaconStore          *store,
                     BeaconCoverageBanner *self)
{
  beacon_coverage_banner_check (self);
}

static void
beacon_coverage_banner_dispose (GObject *object)
{
  BeaconCoverageBanner *self = (BeaconCoverageBanner *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->check_id, g_source_remove);

  G_OBJECT_CLASS (beacon_coverage_banner_parent_class)->dispose (object);
}

static void
beacon_coverage_banner_finalize (GObject *object)
{
  BeaconCoverageBanner *self = (BeaconCoverageBanner *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->dismissed, g_free);

  G_OBJECT_CLASS (beacon_coverage_banner_parent_class)->finalize (object);
}

static void
beacon_coverage_banner_class_init (BeaconCoverageBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = beacon_coverage_banner_dispose;
  object_class->finalize = beacon_coverage_banner_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/beacondesk/Beacon/ui/beacon-coverage-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, BeaconCoverageBanner, info_bar);
  gtk_widget_class_bind_template_child (widget_class, BeaconCoverageBanner, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_info_bar_response_cb);
}

static void
beacon_coverage_banner_init (BeaconCoverageBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * beacon_coverage_banner_attach:
 * @store: the window's store
 *
 * Starts checking the calendars of @store's current policy.
 */
void
beacon_coverage_banner_attach (BeaconCoverageBanner *self,
                               BeaconStore          *store)
{
  g_return_if_fail (BEACON_IS_COVERAGE_BANNER (self));
  g_return_if_fail (BEACON_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed_cb), self, 0);
  self->check_id = g_timeout_add_seconds (CHECK_SECONDS, on_daily_check_cb, self);
  beacon_coverage_banner_check (self);
}

/**
 * beacon_coverage_banner_check:
 *
 * Looks at the calendars again, off the main thread.
 */
void
beacon_coverage_banner_check (BeaconCoverageBanner *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BEACON_IS_COVERAGE_BANNER (self));
  g_return_if_fail (self->store != NULL);

  if (self->checking)
    {
      self->check_again = TRUE;
      return;
    }

  self->checking = TRUE;
  task = g_task_new (self, self->cancellable, on_checked_cb, NULL);
  g_task_set_source_tag (task, beacon_coverage_banner_check);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, check_in_thread);
}

/**
 * beacon_coverage_banner_get_message:
 *
 * Returns: (nullable): the warning, or %NULL when the calendars are covered
 */
const char *
beacon_coverage_banner_get_message (BeaconCoverageBanner *self)
{
  g_return_val_if_fail (BEACON_IS_COVERAGE_BANNER (self), NULL);

  return self->message;
}

guint
beacon_coverage_banner_get_n_checks (BeaconCoverageBanner *self)
{
  g_return_val_if_fail (BEACON_IS_COVERAGE_BANNER (self), 0);

  return self->n_checks;
}
