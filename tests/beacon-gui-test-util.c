/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "beacon-gui-test-util.h"

/* The bound of the waits the screenshots make, the test's own WAIT_MS. */
static guint wait_bound_ms = 10000;

/* TRUE, having printed an empty TAP plan, when there is no display:
 * gtk_test_init() aborts without one; tools/test provides one. */
gboolean
beacon_gui_test_skip_without_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return FALSE;

  g_print ("1..0 # SKIP no display (run under xvfb-run, e.g. tools/test)\n");
  return TRUE;
}

void
beacon_gui_test_init (int    *argc,
                      char ***argv,
                      guint   wait_ms)
{
  wait_bound_ms = wait_ms;
  gtk_test_init (argc, argv, NULL);
  /* gtk_test_init() pins the C locale; the Chinese run needs the user's. */
  beacon_application_init_i18n ();
  /* Screenshots show settled widgets, not a frame of a transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

/* Spins the main loop until @condition holds, at most @timeout_ms. */
gboolean
beacon_gui_test_spin_until (BeaconTestCondition condition,
                            gpointer            data,
                            guint               timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;

      /* Never block for long: the condition may turn true without an event. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

/* Spins the main loop for @ms, for what has no condition to wait on. */
void
beacon_gui_test_spin_for (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* Starts the app as a user would, on whatever database BEACON_DB names, and
 * returns it with its store and main window (NULL when it refused to open). */
BeaconApplication *
beacon_gui_test_start_app (const char    *name,
                           BeaconStore  **store,
                           BeaconWindow **window)
{
  g_autoptr(GError) error = NULL;
  static guint n_apps;
  g_autofree char *app_id = g_strdup_printf ("%s.%s%u", APP_ID, name, ++n_apps);
  BeaconApplication *app = beacon_application_new ();

  /* Several tests, and maybe a running Beacon, share the session bus; and
   * AdwApplication 1.2 keeps its D-Bus object exported after the last unref
   * unless g_application_run() shut it down, so each test takes a name. */
  g_application_set_application_id (G_APPLICATION (app), app_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  *store = beacon_application_get_store (app);
  *window = NULL;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (BEACON_IS_WINDOW (l->data))
      *window = l->data;

  return app;
}

gboolean
beacon_gui_test_window_is_loaded (gpointer window)
{
  return beacon_window_get_loaded (BEACON_WINDOW (window));
}

/* The escalation check runs at start and may act (e.g. open an
 * investigation for a long level-1 outage): it has run and is done. */
gboolean
beacon_gui_test_escalation_settled (gpointer app)
{
  BeaconAlertMonitor *monitor = beacon_application_get_alert_monitor (BEACON_APPLICATION (app));

  return beacon_alert_monitor_get_n_runs (monitor) > 0 && !beacon_alert_monitor_is_busy (monitor);
}

/* Mapped and allocated: mapped alone may still be zero-sized. */
gboolean
beacon_gui_test_widget_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget)) && gtk_widget_get_width (GTK_WIDGET (widget)) > 0;
}

/* @root or the first descendant of @type, depth first. */
GtkWidget *
beacon_gui_test_find_widget (GtkWidget *root,
                             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = beacon_gui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Screenshots ------------------------------------------------------------- */

static guint n_frames_painted;

static void
on_after_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  n_frames_painted++;
}

static gboolean
enough_frames (gpointer data)
{
  return n_frames_painted >= GPOINTER_TO_UINT (data);
}

/* Lets the widget lay out and paint twice, so what is saved is what a user
 * would see, not a half-allocated first frame. */
static void
wait_for_paint (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gulong handler;

  g_assert_true (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  n_frames_painted = 0;
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb), NULL);
  gtk_widget_queue_draw (widget);
  g_assert_true (beacon_gui_test_spin_until (enough_frames, GUINT_TO_POINTER (2), wait_bound_ms));
  g_signal_handler_disconnect (clock, handler);
}

/* Renders @node with @widget's renderer into <name>-<LANGUAGE>.png. */
static void
save_node (GtkWidget     *widget,
           GskRenderNode *node,
           int            width,
           int            height,
           const char    *dir,
           const char    *name)
{
  const char *language = g_getenv ("LANGUAGE");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;

  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  g_mkdir_with_parents (dir, 0755);
  file_name = g_strdup_printf ("%s-%s.png", name, language && *language ? language : "default");
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* Saves @widget as <name>-<LANGUAGE>.png in $BEACON_SCREENSHOT_DIR, if set.
 * Waits for it to map first: windows just presented may not be yet. */
void
beacon_gui_test_save_screenshot (GtkWidget  *widget,
                                 const char *name)
{
  const char *dir = g_getenv ("BEACON_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  g_assert_true (beacon_gui_test_spin_until (beacon_gui_test_widget_is_mapped, widget, wait_bound_ms));
  wait_for_paint (widget);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  save_node (widget, node, width, height, dir, name);
}

/* Popovers are surfaces of their own, which a window's snapshot leaves out:
 * this saves @window with @popover drawn where the user sees it. */
void
beacon_gui_test_save_screenshot_with_popover (GtkWidget  *window,
                                              GtkWidget  *popover,
                                              const char *name)
{
  const char *dir = g_getenv ("BEACON_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) window_paintable = NULL;
  g_autoptr(GdkPaintable) popover_paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GdkSurface *popup;
  double window_x, window_y, popover_x, popover_y;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  /* The popover runs on the window's frame clock, so the window's frames lay
   * it out too. Waiting for the popover's own paint could last forever while
   * another window has the X input focus (seen with the two runs in parallel). */
  g_assert_true (gtk_widget_get_mapped (popover));
  wait_for_paint (window);
  g_assert_cmpint (gtk_widget_get_width (popover), >, 0);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  popup = gtk_native_get_surface (GTK_NATIVE (popover));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);

  window_paintable = gtk_widget_paintable_new (window);
  popover_paintable = gtk_widget_paintable_new (popover);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (window_paintable, snapshot, width, height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (gdk_popup_get_position_x (GDK_POPUP (popup)) +
                                                popover_x - window_x,
                                                gdk_popup_get_position_y (GDK_POPUP (popup)) +
                                                popover_y - window_y));
  gdk_paintable_snapshot (popover_paintable, snapshot,
                          gtk_widget_get_width (popover), gtk_widget_get_height (popover));
  gtk_snapshot_restore (snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  save_node (window, node, width, height, dir, name);
}
