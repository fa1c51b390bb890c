/* schema_registry.c - schema registries that serve recval's own schema/
 * tree, compiled into the library, to the schema engine, which knows
 * nothing of it: the one place that hands the bundle over. */
#include "schema_bundle.h"

js_registry *rv_schema_registry_new(unsigned options)
{
    js_registry *reg = js_registry_new(options);
    js_registry_set_embedded(reg, rv_schema_bundle, rv_schema_bundle_count);
    return reg;
}

int rv_schema_registry_add_own(js_registry *reg, char **err)
{
    return js_registry_add_bundle(reg, RV_SCHEMA_BASE_URI, "", err) != 0 ||
                   js_registry_add_metaschemas(reg, NULL, err) != 0
               ? -1
               : 0;
}
