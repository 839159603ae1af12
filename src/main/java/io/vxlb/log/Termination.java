package io.vxlb.log;

/**
 * HAProxy's termination state (the first two letters of %tsc, section 8.5 of its configuration
 * manual): what ended the session and in which phase it was. The letters are made here and
 * nowhere else; every combination exists once, so passing one around allocates nothing.
 */
public record Termination(Cause cause, Phase phase) {
    /** The first letter: who or what ended the session. */
    public enum Cause {
        NONE('-'), CLIENT_ABORT('C'), SERVER_ABORT('S'), PROXY('P'), RESOURCE('R'), INTERNAL('I'),
        SERVER_DOWN('D'), KILLED('K'), SERVER_UP('U'), LOCAL('L'), CLIENT_TIMEOUT('c'), SERVER_TIMEOUT('s');

        final char letter;

        Cause(char letter) {
            this.letter = letter;
        }
    }

    /** The second letter: the session's phase when it ended. */
    public enum Phase {
        NONE('-'), REQUEST('R'), QUEUE('Q'), CONNECT('C'), HEADERS('H'), DATA('D'), LAST('L'), TARPIT('T');

        final char letter;

        Phase(char letter) {
            this.letter = letter;
        }
    }

    private static final Termination[][] ALL = new Termination[Cause.values().length][Phase.values().length];
    private static final String[][] TEXT = new String[Cause.values().length][Phase.values().length];

    static {
        for (Cause c : Cause.values()) {
            for (Phase p : Phase.values()) {
                ALL[c.ordinal()][p.ordinal()] = new Termination(c, p);
                TEXT[c.ordinal()][p.ordinal()] = new String(new char[]{c.letter, p.letter});
            }
        }
    }

    public static Termination of(Cause cause, Phase phase) {
        return ALL[cause.ordinal()][phase.ordinal()];
    }

    /** A normal end ("--"). */
    public static final Termination NORMAL = of(Cause.NONE, Phase.NONE);
    public static final Termination CLIENT_ABORT_REQUEST = of(Cause.CLIENT_ABORT, Phase.REQUEST);
    public static final Termination CLIENT_ABORT_QUEUE = of(Cause.CLIENT_ABORT, Phase.QUEUE);
    public static final Termination CLIENT_ABORT_CONNECT = of(Cause.CLIENT_ABORT, Phase.CONNECT);
    public static final Termination CLIENT_ABORT_DATA = of(Cause.CLIENT_ABORT, Phase.DATA);
    public static final Termination CLIENT_TIMEOUT_REQUEST = of(Cause.CLIENT_TIMEOUT, Phase.REQUEST);
    public static final Termination CLIENT_TIMEOUT_DATA = of(Cause.CLIENT_TIMEOUT, Phase.DATA);
    public static final Termination SERVER_ABORT_QUEUE = of(Cause.SERVER_ABORT, Phase.QUEUE);
    public static final Termination SERVER_ABORT_CONNECT = of(Cause.SERVER_ABORT, Phase.CONNECT);
    public static final Termination SERVER_ABORT_HEADERS = of(Cause.SERVER_ABORT, Phase.HEADERS);
    public static final Termination SERVER_ABORT_DATA = of(Cause.SERVER_ABORT, Phase.DATA);
    public static final Termination SERVER_TIMEOUT_QUEUE = of(Cause.SERVER_TIMEOUT, Phase.QUEUE);
    public static final Termination SERVER_TIMEOUT_CONNECT = of(Cause.SERVER_TIMEOUT, Phase.CONNECT);
    public static final Termination SERVER_TIMEOUT_HEADERS = of(Cause.SERVER_TIMEOUT, Phase.HEADERS);
    public static final Termination SERVER_TIMEOUT_DATA = of(Cause.SERVER_TIMEOUT, Phase.DATA);
    /** A rule stopped the request (deny, return, auth, a refused head). */
    public static final Termination PROXY_REQUEST = of(Cause.PROXY, Phase.REQUEST);
    /** A response rule replaced the server's response. */
    public static final Termination PROXY_HEADERS = of(Cause.PROXY, Phase.HEADERS);
    public static final Termination PROXY_TARPIT = of(Cause.PROXY, Phase.TARPIT);
    /** The proxy answered itself (a redirect). */
    public static final Termination LOCAL_REQUEST = of(Cause.LOCAL, Phase.REQUEST);
    /** No backend for the request. */
    public static final Termination NO_BACKEND = of(Cause.NONE, Phase.REQUEST);

    /** HAProxy's two letters. */
    @Override
    public String toString() {
        return TEXT[cause.ordinal()][phase.ordinal()];
    }
}
