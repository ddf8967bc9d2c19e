/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "beacon-segment.h"
#include "beacon-store-private.h"
#include "beacon-sync-private.h"

/*
 * Shared folder mode: <share>/beacon/devices/<device-uuid>/ holds device.json
 * and the device's segments, named <first>-<last>.bseg with 16-digit
 * sequence numbers. Each device writes only into its own folder, and only
 * new files: a temporary file created exclusively, synced, renamed to its
 * final name, the folder synced, and the result read back. A reader
 * ignores every name it does not know, temporary files included, so a
 * writer that dies half way leaves nothing anyone reads.
 *
 * No database ever lives on the share: SQLite's locking is not safe on
 * network file systems.
 */

#define SEGMENT_SUFFIX ".bseg"
#define SEGMENT_NAME_LEN (16 + 1 + 16 + sizeof SEGMENT_SUFFIX - 1)

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  /* Full, gone, stale or read-only: all mean “try again later”. */
  g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE,
               "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
parse_segment_name (const char *name,
                    gint64     *out_first,
                    gint64     *out_last)
{
  char digits[17];

  if (strlen (name) != SEGMENT_NAME_LEN || name[16] != '-' ||
      !g_str_has_suffix (name, SEGMENT_SUFFIX))
    return FALSE;

  for (guint i = 0; i < 33; i++)
    {
      if (i != 16 && !g_ascii_isdigit (name[i]))
        return FALSE;
    }

  memcpy (digits, name, 16);
  digits[16] = '\0';
  *out_first = g_ascii_strtoll (digits, NULL, 10);
  memcpy (digits, name + 17, 16);
  *out_last = g_ascii_strtoll (digits, NULL, 10);

  return *out_first >= 1 && *out_last >= *out_first;
}

static char *
format_segment_name (gint64 first_seq,
                     gint64 last_seq)
{
  return g_strdup_printf ("%016" PRId64 "-%016" PRId64 SEGMENT_SUFFIX, first_seq, last_seq);
}

static gboolean
read_file (const char  *path,
           gsize        max_size,
           char       **out_data,
           gsize       *out_length,
           GError     **error)
{
  struct stat info;

  if (g_stat (path, &info) != 0)
    return set_io_error (error, errno, _("Could not read"), path);

  if ((gsize) info.st_size > max_size)
    {
      g_set_error (error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_LARGE,
                   _("The file has %" PRId64 " bytes; a segment has at most %" PRIu64),
                   (gint64) info.st_size, (guint64) max_size);
      return FALSE;
    }

  if (!g_file_get_contents (path, out_data, out_length, error))
    {
      g_prefix_error (error, _("Could not read %s: "), path);
      if (error != NULL && *error != NULL && (*error)->domain == G_FILE_ERROR)
        {
          (*error)->domain = BEACON_SYNC_ERROR;
          (*error)->code = BEACON_SYNC_ERROR_UNAVAILABLE;
        }
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      data += written;
      length -= written;
    }
  return TRUE;
}

/*
 * Puts @bytes at dir/name, never overwriting: an existing file with the same
 * bytes counts as done (an earlier round got that far), one with other bytes
 * is an alarm.
 */
static gboolean
write_new_file (const char  *dir,
                const char  *name,
                GBytes      *bytes,
                GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *temp_name = NULL;
  g_autofree char *temp_path = NULL;
  g_autofree char *reread = NULL;
  const char *crash = g_getenv ("BEACON_SYNC_TEST_CRASH");
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  gsize reread_length;
  int fd, dir_fd;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!read_file (path, G_MAXSIZE, &reread, &reread_length, error))
        return FALSE;
      if (reread_length == length && memcmp (reread, data, length) == 0)
        return TRUE;

      g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_DIVERGED,
                   _("%s already holds other content than this device’s segment of the "
                     "same name; this device’s history on the share has diverged. "
                     "Nothing was overwritten"),
                   path);
      return FALSE;
    }

  temp_name = g_strdup_printf (".tmp-%s-%08x", name, g_random_int ());
  temp_path = g_build_filename (dir, temp_name, NULL);

  fd = open (temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return set_io_error (error, errno, _("Could not create"), temp_path);

  /* Tests kill the writer here, half way through, like a pulled plug. */
  if (g_strcmp0 (crash, "mid-write") == 0)
    {
      write_all (fd, data, length / 2);
      _exit (75);
    }

  if (!write_all (fd, data, length) || fsync (fd) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_unlink (temp_path);
      return set_io_error (error, saved_errno, _("Could not write"), temp_path);
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (temp_path);
      return set_io_error (error, saved_errno, _("Could not write"), temp_path);
    }

  if (g_file_test (path, G_FILE_TEST_EXISTS) || g_rename (temp_path, path) != 0)
    {
      int saved_errno = g_file_test (path, G_FILE_TEST_EXISTS) ? EEXIST : errno;

      g_unlink (temp_path);
      return set_io_error (error, saved_errno, _("Could not rename to"), path);
    }

  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      /* Some network file systems cannot sync a folder; the rename still stands. */
      if (fsync (dir_fd) != 0 && errno != EINVAL && errno != EROFS)
        {
          int saved_errno = errno;

          close (dir_fd);
          return set_io_error (error, saved_errno, _("Could not sync the folder"), dir);
        }
      close (dir_fd);
    }

  if (!read_file (path, G_MAXSIZE, &reread, &reread_length, error))
    return FALSE;
  if (reread_length != length || memcmp (reread, data, length) != 0)
    {
      g_set_error (error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE,
                   _("%s reads back differently from what was written; "
                     "the share may be failing"),
                   path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_device_json (BeaconStore  *store,
                   const char   *dir,
                   GError      **error)
{
  g_autofree char *path = g_build_filename (dir, "device.json", NULL);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_string_append_printf (json,
                          "{\"code\":\"%s\",\"device\":\"%s\",\"format\":%d}\n",
                          beacon_store_get_device_code (store),
                          beacon_store_get_device_id (store),
                          BEACON_SEGMENT_FORMAT);
  bytes = g_bytes_new (json->str, json->len);

  return write_new_file (dir, "device.json", bytes, error);
}

static gboolean
push (BeaconStore       *store,
      const char        *target,
      const char        *devices_dir,
      BeaconSyncReport  *report,
      GError           **error)
{
  g_autofree char *own_dir = g_build_filename (devices_dir, beacon_store_get_device_id (store),
                                               NULL);
  g_autoptr(GPtrArray) outbox = NULL;

  if (g_mkdir_with_parents (own_dir, 0755) != 0)
    return set_io_error (error, errno, _("Could not create the folder"), own_dir);

  if (!write_device_json (store, own_dir, error))
    return FALSE;

  outbox = beacon_sync_list_outbox (store, _beacon_sync_get_pushed (store, target), error);
  if (outbox == NULL)
    return FALSE;

  for (guint i = 0; i < outbox->len; i++)
    {
      BeaconOutboxSegment *segment = g_ptr_array_index (outbox, i);
      g_autofree char *name = format_segment_name (segment->first_seq, segment->last_seq);

      if (!write_new_file (own_dir, name, segment->data, error) ||
          !_beacon_sync_set_pushed (store, target, segment->last_seq, error))
        return FALSE;

      report->segments_sent++;
    }

  return TRUE;
}

typedef struct
{
  gint64  first_seq;
  gint64  last_seq;
  char   *name;
} SegmentFile;

static void
segment_file_free (SegmentFile *file)
{
  g_free (file->name);
  g_free (file);
}

static int
compare_segment_files (gconstpointer a,
                       gconstpointer b)
{
  const SegmentFile *fa = *(SegmentFile * const *) a;
  const SegmentFile *fb = *(SegmentFile * const *) b;

  if (fa->first_seq != fb->first_seq)
    return fa->first_seq < fb->first_seq ? -1 : 1;
  return g_strcmp0 (fa->name, fb->name);
}

static gboolean
pull_device (BeaconStore       *store,
             const char        *target,
             const char        *device_dir,
             const char        *device,
             BeaconSyncReport  *report,
             GError           **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) segment_file_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (device_dir, 0, error);
  if (dir == NULL)
    {
      g_prefix_error (error, _("The shared folder is not available: "));
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      SegmentFile file = { 0 };

      /* Temporary files, device.json and names from a newer Beacon. */
      if (!parse_segment_name (name, &file.first_seq, &file.last_seq))
        continue;

      file.name = g_strdup (name);
      g_ptr_array_add (files, g_memdup2 (&file, sizeof file));
    }

  g_ptr_array_sort (files, compare_segment_files);

  for (guint i = 0; i < files->len; i++)
    {
      SegmentFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = NULL;
      g_autofree char *data = NULL;
      g_autofree char *source_name = NULL;
      g_autoptr(GError) read_error = NULL;
      BeaconSyncOutcome outcome;
      gsize length;

      if (file->last_seq <= _beacon_sync_get_cursor (store, device))
        continue;

      path = g_build_filename (device_dir, file->name, NULL);
      source_name = g_strconcat (device, "/", file->name, NULL);

      if (!read_file (path, BEACON_SEGMENT_MAX_SIZE, &data, &length, &read_error))
        {
          if (g_error_matches (read_error, BEACON_SEGMENT_ERROR, BEACON_SEGMENT_ERROR_TOO_LARGE))
            {
              /* Hand the import a byte too many: it quarantines with the reason. */
              g_autofree char *oversize = g_malloc0 (BEACON_SEGMENT_MAX_SIZE + 1);

              if (!beacon_sync_import_segment (store, target, source_name, device, oversize,
                                               BEACON_SEGMENT_MAX_SIZE + 1, &outcome, report,
                                               error))
                return FALSE;
              break;
            }
          g_propagate_error (error, g_steal_pointer (&read_error));
          return FALSE;
        }

      if (!beacon_sync_import_segment (store, target, source_name, device, data, length,
                                       &outcome, report, error))
        return FALSE;

      /* Later segments of this device cannot apply before this one does. */
      if (outcome == BEACON_SYNC_WAITING || outcome == BEACON_SYNC_QUARANTINED ||
          outcome == BEACON_SYNC_UPDATE_REQUIRED)
        break;
    }

  return TRUE;
}

static gboolean
pull (BeaconStore       *store,
      const char        *target,
      const char        *devices_dir,
      BeaconSyncReport  *report,
      GError           **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (devices_dir, 0, error);
  if (dir == NULL)
    {
      g_prefix_error (error, _("The shared folder is not available: "));
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = BEACON_SYNC_ERROR;
          (*error)->code = BEACON_SYNC_ERROR_UNAVAILABLE;
        }
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *device_dir = NULL;

      if (!g_uuid_string_is_valid (name) ||
          g_ascii_strcasecmp (name, beacon_store_get_device_id (store)) == 0)
        continue;

      device_dir = g_build_filename (devices_dir, name, NULL);
      if (!g_file_test (device_dir, G_FILE_TEST_IS_DIR))
        continue;

      if (!pull_device (store, target, device_dir, name, report, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * beacon_sync_folder:
 * @folder: the shared folder (the share's root, or any folder on it)
 * @report: (out caller-allocates) (optional): what the round did
 *
 * One round of shared folder sync: this device's new segments out, every
 * other device's segments in. When the share is gone, full or failing,
 * nothing local is lost: the round fails with %BEACON_SYNC_ERROR_UNAVAILABLE,
 * the pending changes are counted, and the next round catches up.
 *
 * Returns: %TRUE if both directions completed
 */
gboolean
beacon_sync_folder (BeaconStore       *store,
                    const char        *folder,
                    BeaconSyncReport  *report,
                    GError           **error)
{
  g_autofree char *target = NULL;
  g_autofree char *devices_dir = NULL;
  g_autoptr(GError) push_error = NULL;
  g_autoptr(GError) pull_error = NULL;
  BeaconSyncReport scratch = { 0 };

  g_return_val_if_fail (BEACON_IS_STORE (store), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  if (report == NULL)
    report = &scratch;
  memset (report, 0, sizeof *report);

  target = beacon_sync_dup_folder_target (folder);
  devices_dir = g_build_filename (folder, "beacon", "devices", NULL);

  if (!beacon_sync_prepare (store, error))
    return FALSE;

  /* Never create the share itself: a missing mount point would then fill
   * up the local disk instead. */
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (&push_error, BEACON_SYNC_ERROR, BEACON_SYNC_ERROR_UNAVAILABLE,
                   _("The shared folder %s is not available; changes are kept "
                     "and sent when it is back"),
                   folder);
    }
  else
    {
      if (!push (store, target, devices_dir, report, &push_error))
        g_prefix_error (&push_error, _("Sending to %s: "), folder);
      /* A full share can still be read. */
      if (!pull (store, target, devices_dir, report, &pull_error))
        g_prefix_error (&pull_error, _("Receiving from %s: "), folder);
    }

  if (push_error == NULL && pull_error != NULL)
    push_error = g_steal_pointer (&pull_error);

  _beacon_sync_finish_round (store, target, push_error, report);

  if (push_error != NULL)
    {
      if (push_error->domain != BEACON_SYNC_ERROR && push_error->domain != BEACON_STORE_ERROR)
        {
          push_error->domain = BEACON_SYNC_ERROR;
          push_error->code = BEACON_SYNC_ERROR_UNAVAILABLE;
        }
      g_propagate_error (error, g_steal_pointer (&push_error));
      return FALSE;
    }

  return TRUE;
}
