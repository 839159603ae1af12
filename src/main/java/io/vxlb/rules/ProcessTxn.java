package io.vxlb.rules;

/**
 * The "transaction" of global set-var and of the runtime API's set var: no connection, no
 * request; only constants and the node's proc variables (HAProxy evaluates them without a stream).
 */
public final class ProcessTxn implements Txn {
    private final Vars.Process vars;

    public ProcessTxn(Vars.Process vars) {
        this.vars = vars;
    }

    @Override public String srcAddress() { return null; }
    @Override public int srcPort() { return 0; }
    @Override public String dstAddress() { return null; }
    @Override public int dstPort() { return 0; }
    @Override public boolean ssl() { return false; }
    @Override public String sni() { return null; }
    @Override public String frontendName() { return null; }
    @Override public String backendName() { return null; }
    @Override public String method() { return null; }
    @Override public String uri() { return null; }
    @Override public String version() { return null; }
    @Override public int requestHeaderCount() { return 0; }
    @Override public String requestHeaderName(int i) { return null; }
    @Override public String requestHeaderValue(int i) { return null; }
    @Override public int status() { return 0; }
    @Override public int responseHeaderCount() { return 0; }
    @Override public String responseHeaderName(int i) { return null; }
    @Override public String responseHeaderValue(int i) { return null; }
    @Override public int nbsrv(String backend) { return 0; }
    @Override public boolean srvIsUp(String backend, String server) { return false; }

    @Override
    public Object variable(String name) {
        return name.startsWith("proc.") ? vars.get(name) : null;
    }

    @Override
    public void setVariable(String name, Object value) {
        setVariable(name, value, 0);
    }

    @Override
    public void setVariable(String name, Object value, int flags) {
        if (name.startsWith("proc.")) vars.set(name, value, flags);
    }

    @Override
    public void appendLogVariable(LogVariable v, StringBuilder out) {
        out.append('-');
    }
}
