#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Type-checked readers for JSON that comes from a server: a member of the wrong type reads
 * as missing instead of tripping json-glib's preconditions (which abort under fatal-criticals).
 * Not public API. */

JsonObject *
kyso_pj_object (JsonObject *obj, const char *member);
JsonArray *
kyso_pj_array (JsonObject *obj, const char *member);
/* NULL when missing, null, or not a string. */
const char *
kyso_pj_string (JsonObject *obj, const char *member);
/* Integers also accept numeric strings ("20971520"), which some portals send. */
gint64
kyso_pj_int (JsonObject *obj, const char *member, gint64 fallback);
gboolean
kyso_pj_bool (JsonObject *obj, const char *member, gboolean fallback);
/* The object at index @i of @array, or NULL. */
JsonObject *
kyso_pj_array_object (JsonArray *array, guint i);
/* A string member, or the "name" of an object member ({"agency": {"name": …}}). */
const char *
kyso_pj_name (JsonObject *obj, const char *member);

/* ISO 8601 (with or without zone; without = UTC) → GDateTime, or NULL. */
GDateTime *
kyso_pj_datetime (JsonObject *obj, const char *member);

G_END_DECLS
