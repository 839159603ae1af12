package io.vxlb.health;

import io.vertx.core.json.JsonObject;

/**
 * A server's health verdict changed. Published as JSON on {@link HealthVerticle#ADDRESS}:
 * <pre>
 * {"backend":"bk","server":"srv","up":false,"backup":false,
 *  "status":"L7STS","reason":"Layer7 wrong status","code":503,"info":"Service Unavailable",
 *  "checkDuration":2,"health":0,"rise":2,"fall":3,
 *  "activeServers":1,"backupServers":0,"via":null,
 *  "message":"Server bk/srv is DOWN, reason: ...","time":1700000000000}
 * </pre>
 * {@code via} is "backend/server" when the change was mirrored from a tracked server (then
 * status/reason/code/info are null and checkDuration is -1). {@code activeServers} and
 * {@code backupServers} count the backend's usable servers after the change, as HAProxy's log
 * line does. {@code message} is the HAProxy-format log line.
 */
public record HealthEvent(String backend, String server, boolean up, boolean backup,
                          String status, String reason, Integer code, String info, long checkDuration,
                          int health, int rise, int fall, int activeServers, int backupServers,
                          String via, String message, long time) {

    /** The "backend/server" key of {@link io.vxlb.runtime.Snapshot#states()}. */
    public String key() {
        return backend + "/" + server;
    }

    public JsonObject toJson() {
        return new JsonObject()
                .put("backend", backend).put("server", server).put("up", up).put("backup", backup)
                .put("status", status).put("reason", reason).put("code", code).put("info", info)
                .put("checkDuration", checkDuration).put("health", health).put("rise", rise).put("fall", fall)
                .put("activeServers", activeServers).put("backupServers", backupServers)
                .put("via", via).put("message", message).put("time", time);
    }

    public static HealthEvent fromJson(JsonObject j) {
        return new HealthEvent(j.getString("backend"), j.getString("server"), j.getBoolean("up"),
                j.getBoolean("backup", false), j.getString("status"), j.getString("reason"), j.getInteger("code"),
                j.getString("info"), j.getLong("checkDuration", -1L), j.getInteger("health", 0),
                j.getInteger("rise", 0), j.getInteger("fall", 0), j.getInteger("activeServers", 0),
                j.getInteger("backupServers", 0), j.getString("via"), j.getString("message"), j.getLong("time", 0L));
    }
}
