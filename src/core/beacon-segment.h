/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "beacon-change.h"

G_BEGIN_DECLS

/* The segment format this build writes and the newest it reads. */
#define BEACON_SEGMENT_FORMAT   1
/* No segment is bigger than this; a longer export is split. */
#define BEACON_SEGMENT_MAX_SIZE (8 * 1024 * 1024)
#define BEACON_SEGMENT_MAGIC    "BEACON-SEGMENT "
#define BEACON_SEGMENT_TRAILER  "END sha256="

#define BEACON_SEGMENT_ERROR (beacon_segment_error_quark ())

/**
 * BeaconSegmentError:
 * @BEACON_SEGMENT_ERROR_CORRUPT: the bytes are not an intact segment (hash,
 *   framing, UTF-8, JSON, sequence numbering)
 * @BEACON_SEGMENT_ERROR_TOO_NEW: written in a newer format: update required
 * @BEACON_SEGMENT_ERROR_TOO_LARGE: bigger than %BEACON_SEGMENT_MAX_SIZE
 */
typedef enum
{
  BEACON_SEGMENT_ERROR_CORRUPT,
  BEACON_SEGMENT_ERROR_TOO_NEW,
  BEACON_SEGMENT_ERROR_TOO_LARGE,
} BeaconSegmentError;

GQuark beacon_segment_error_quark (void);

/**
 * BeaconSegment:
 * @format: the format version of the file
 * @device: the UUID of the device that wrote every change in it
 * @first_seq: the sequence number of the first change
 * @last_seq: the sequence number of the last change
 * @prev_hash: the hash of the device's previous segment; "" for its first
 * @hash: the SHA-256 of the segment (its trailer), lower-case hex
 * @changes: (element-type BeaconChange): consecutive changes of @device
 *
 * A file of consecutive oplog changes written by one device:
 *
 * |[
 * BEACON-SEGMENT 1
 * {"count":2,"device":"…","first":41,"last":42,"prev":"<sha256 of segment …-40>"}
 * {"entity":"ticket","field":"summary","hlc":…,"id":"…","prev":"[…]","schema":1,"seq":41,"value":"\"…\""}
 * {…"seq":42…}
 * END sha256=<SHA-256 of every byte above this line>
 * ]|
 */
typedef struct
{
  int        format;
  char      *device;
  gint64     first_seq;
  gint64     last_seq;
  char      *prev_hash;
  char      *hash;
  GPtrArray *changes;
} BeaconSegment;

BeaconSegment *beacon_segment_parse      (const char    *data,
                                          gsize          length,
                                          GError       **error);
void           beacon_segment_free       (BeaconSegment *segment);
GBytes        *beacon_segment_build      (const char    *device,
                                          const char    *prev_hash,
                                          GPtrArray     *changes,
                                          guint          start,
                                          guint          max_size,
                                          guint         *out_n_used,
                                          char         **out_hash);
gsize          beacon_segment_next_end   (const char    *data,
                                          gsize          length);
gboolean       beacon_segment_hash_is_valid (const char *hash);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BeaconSegment, beacon_segment_free)

G_END_DECLS
