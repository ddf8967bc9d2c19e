/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BEACON_STORE_ERROR (beacon_store_error_quark ())

/**
 * BeaconStoreError:
 * @BEACON_STORE_ERROR_FAILED: the database could not do what was asked
 * @BEACON_STORE_ERROR_TOO_NEW: the database was written by a newer Beacon
 * @BEACON_STORE_ERROR_NOT_FOUND: a named ticket, customer, … does not exist
 * @BEACON_STORE_ERROR_INVALID: the input is malformed or out of range
 * @BEACON_STORE_ERROR_IMMUTABLE: the change would alter something that cannot change
 * @BEACON_STORE_ERROR_DIVERGED: a change with the same device and sequence but other content
 * @BEACON_STORE_ERROR_NOT_ALLOWED: the current user's role may not do this
 */
typedef enum
{
  BEACON_STORE_ERROR_FAILED,
  BEACON_STORE_ERROR_TOO_NEW,
  BEACON_STORE_ERROR_NOT_FOUND,
  BEACON_STORE_ERROR_INVALID,
  BEACON_STORE_ERROR_IMMUTABLE,
  BEACON_STORE_ERROR_DIVERGED,
  BEACON_STORE_ERROR_NOT_ALLOWED,
} BeaconStoreError;

GQuark beacon_store_error_quark (void);

G_END_DECLS
