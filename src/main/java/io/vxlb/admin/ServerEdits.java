package io.vxlb.admin;

import io.vertx.core.json.JsonObject;
import io.vxlb.config.Server;

import java.util.function.UnaryOperator;

/**
 * The one write of a server's operator state ({@code "admin"}: ready|drain|maint, {@code "weight"}),
 * shared by the admin REST API ({@code PUT /v1/servers/B/S}), the runtime API ({@code set server})
 * and the stats page's admin form: a change of the stored value, applied by every node.
 */
public final class ServerEdits {
    private ServerEdits() {}

    /** The change of the stored value: unset fields keep the stored one, else the configured one. */
    public static UnaryOperator<JsonObject> change(Server srv, String admin, Integer weight) {
        return stored -> {
            JsonObject next = stored != null ? stored.copy() : new JsonObject().put("admin", srv.disabled() ? "maint" : "ready").put("weight", srv.weight());
            if (admin != null) next.put("admin", admin);
            if (weight != null) next.put("weight", weight);
            next.remove("version");
            return next;
        };
    }
}
