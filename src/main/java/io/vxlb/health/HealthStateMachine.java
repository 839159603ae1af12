package io.vxlb.health;

/**
 * HAProxy 2.6's health counter for one server (src/check.c set_server_check_status,
 * src/server.c srv_getinter). {@code health} runs from 0 to rise+fall-1; the server is UP while
 * health &ge; rise. A new server starts UP with health = rise (src/server.c new_server /
 * srv_settings_cpy: "check.health = check.rise"), so a single failure takes it DOWN while a
 * success jumps it to rise+fall-1.
 * <ul>
 *   <li>failure: health-1, and below rise it drops straight to 0 (DOWN);</li>
 *   <li>success: health+1, and at rise it jumps to rise+fall-1 (fully UP);</li>
 *   <li>next check after {@code inter} when fully up (health = rise+fall-1), {@code downinter}
 *       when fully down (health 0), else {@code fastinter}. The config layer already replaced
 *       unset fastinter/downinter with inter.</li>
 * </ul>
 * Not thread-safe: owned by the health verticle's event loop.
 */
public final class HealthStateMachine {
    private final int rise, fall;
    private final long inter, fastinter, downinter;
    private int health;
    private boolean up;

    public HealthStateMachine(int rise, int fall, long inter, long fastinter, long downinter) {
        if (rise < 1 || fall < 1) throw new IllegalArgumentException("rise and fall must be > 0");
        this.rise = rise;
        this.fall = fall;
        this.inter = inter;
        this.fastinter = fastinter > 0 ? fastinter : inter;
        this.downinter = downinter > 0 ? downinter : inter;
        this.health = rise;
        this.up = true;
    }

    /** Continues from a DOWN verdict (a server re-owned in the cluster while down): health 0. */
    public void startDown() {
        health = 0;
        up = false;
    }

    /** Applies one check result; returns true when the UP/DOWN verdict changed. */
    public boolean record(boolean passed) {
        if (passed) {
            if (health < rise + fall - 1) {
                health++;
                if (health >= rise) health = rise + fall - 1;
            }
        } else if (health > 0) {
            health--;
            if (health < rise) health = 0;
        }
        boolean nowUp = health >= rise;
        boolean changed = nowUp != up;
        up = nowUp;
        return changed;
    }

    public boolean up() {
        return up;
    }

    public int health() {
        return health;
    }

    /** srv_getinter(): the delay before the next check. */
    public long nextInterval() {
        if (health == rise + fall - 1) return inter;
        if (!up && health == 0) return downinter;
        return fastinter;
    }

    /** The stats page's "status" counter text: "2/3 UP", "1/2 DOWN" (check.c, status=%d/%d). */
    public String statusText() {
        return up ? (health - rise + 1) + "/" + fall + " UP" : health + "/" + rise + " DOWN";
    }
}
