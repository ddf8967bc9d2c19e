/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <glib.h>

#include "beacon-segment.h"

/*
 * libFuzzer target for the segment parser: every byte of a segment comes
 * from a share or a network peer. Inputs whose first byte is odd get a
 * correct SHA-256 trailer appended, so the fuzzer reaches the header and
 * line parsers instead of stopping at the hash.
 */

/* beacon-json.c reports errors in the store's domain. */
G_DEFINE_QUARK (beacon-store-error-quark, beacon_store_error)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BeaconSegment) segment = NULL;
  g_autoptr(GString) framed = NULL;
  g_autoptr(GChecksum) checksum = NULL;

  if (size > 0 && (data[0] & 1))
    {
      framed = g_string_new_len ((const char *) data + 1, size - 1);
      checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_checksum_update (checksum, (const guchar *) framed->str, framed->len);
      g_string_append_printf (framed, BEACON_SEGMENT_TRAILER "%s\n", g_checksum_get_string (checksum));
      data = (const uint8_t *) framed->str;
      size = framed->len;
    }

  segment = beacon_segment_parse ((const char *) data, size, NULL);
  if (segment != NULL)
    {
      g_assert (segment->changes->len == (guint) (segment->last_seq - segment->first_seq + 1));
      g_assert (beacon_segment_hash_is_valid (segment->hash));
    }

  beacon_segment_next_end ((const char *) data, size);
  return 0;
}
