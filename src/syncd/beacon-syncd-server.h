/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BEACON_SYNCD_ERROR (beacon_syncd_error_quark ())

typedef enum
{
  BEACON_SYNCD_ERROR_FAILED,
  BEACON_SYNCD_ERROR_INVALID,
  BEACON_SYNCD_ERROR_NOT_FOUND,
} BeaconSyncdError;

GQuark beacon_syncd_error_quark (void);

#define BEACON_TYPE_SYNCD_SERVER (beacon_syncd_server_get_type ())

G_DECLARE_FINAL_TYPE (BeaconSyncdServer, beacon_syncd_server, BEACON, SYNCD_SERVER, GObject)

BeaconSyncdServer *beacon_syncd_server_open         (const char         *db_path,
                                                     GError            **error);
char              *beacon_syncd_server_add_token    (BeaconSyncdServer  *self,
                                                     const char         *name,
                                                     GError            **error);
gboolean           beacon_syncd_server_revoke_token (BeaconSyncdServer  *self,
                                                     const char         *name,
                                                     GError            **error);
char              *beacon_syncd_server_list_tokens  (BeaconSyncdServer  *self,
                                                     GError            **error);
void               beacon_syncd_server_set_rate     (BeaconSyncdServer  *self,
                                                     double              per_second,
                                                     double              burst);
gboolean           beacon_syncd_server_listen       (BeaconSyncdServer  *self,
                                                     const char         *listen,
                                                     GTlsCertificate    *certificate,
                                                     gboolean            insecure,
                                                     char              **out_uri,
                                                     GError            **error);


G_END_DECLS
