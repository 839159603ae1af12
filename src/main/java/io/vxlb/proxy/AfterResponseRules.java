package io.vxlb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vxlb.action.ActionContext;
import io.vxlb.action.CompiledAction;
import io.vxlb.rules.LogVariable;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.CompiledRedirect;
import io.vxlb.runtime.CompiledRule;

import java.util.List;

/**
 * {@code http-after-response} (HAProxy 2.6): rules run on the response head just before it is
 * written, whether it came from a server or from vxlb itself (error pages, redirects, deny,
 * return) — the backend's rules, then the frontend's (once for a listen section). {@code allow}
 * ends one proxy's list. The actions are the http-response ones, run on a view of the exchange
 * whose response side is this final response: its status and headers.
 */
final class AfterResponseRules {
    private AfterResponseRules() {
    }

    /** A status set by {@code set-status}: what the head is written with instead. */
    record Head(int status, String reason) {}

    /**
     * Applies the rules to a response head about to be written: {@code headers} in place; the
     * new status and reason when a rule set one, else null. {@code be} is null before a backend
     * is chosen.
     */
    static Head run(ActionContext exchange, CompiledFrontend fe, CompiledBackend be, int status, String reason, HeaderList headers) {
        List<CompiledRule> feRules = fe.afterResponseRules();
        List<CompiledRule> beRules = be == null || be.proxy() == fe.proxy() ? List.of() : be.afterResponseRules();
        if (feRules.isEmpty() && beRules.isEmpty()) return null;
        View v = new View(exchange, status, headers);
        v.run(beRules);
        v.run(feRules);
        return v.statusChanged ? new Head(v.status, v.reason) : null;
    }

    /** The exchange with the response being written as its response side. */
    private static final class View implements ActionContext {
        private final ActionContext t;
        private final HeaderList headers;
        private int status;
        private String reason;
        private boolean statusChanged;

        View(ActionContext t, int status, HeaderList headers) {
            this.t = t;
            this.headers = headers;
            this.status = status;
        }

        void run(List<CompiledRule> rules) {
            for (CompiledRule r : rules) {
                if (!r.applies(this)) continue;
                if (r.action().execute(this) != CompiledAction.Verdict.CONTINUE) return;
            }
        }

        @Override public boolean responseSide() { return true; }
        @Override public HeaderList headers() { return headers; }

        @Override
        public void setStatus(int status, String reason) {
            this.status = status;
            this.reason = reason != null ? reason : io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
            statusChanged = true;
        }

        // request-side and answering actions are not registered for http-after-response
        @Override public void setMethod(String method) { throw new IllegalStateException("http-after-response cannot set the method"); }
        @Override public void setUri(String uri) { throw new IllegalStateException("http-after-response cannot set the URI"); }
        @Override public void denyWith(int status, ErrorPages.Page page, HeaderList h, Buffer body) { throw new IllegalStateException("http-after-response cannot deny"); }
        @Override public void replyPage(int status, ErrorPages.Page page) { throw new IllegalStateException("http-after-response cannot reply"); }
        @Override public void tarpit(int status) { throw new IllegalStateException("http-after-response cannot tarpit"); }
        @Override public void challenge(String realm) { throw new IllegalStateException("http-after-response cannot ask for credentials"); }
        @Override public void redirect(CompiledRedirect redirect) { throw new IllegalStateException("http-after-response cannot redirect"); }
        @Override public void reply(int status, HeaderList h, Buffer body) { throw new IllegalStateException("http-after-response cannot reply"); }
        @Override public void capture(boolean request, int slot, String value) { t.capture(request, slot, value); }
        @Override public String path() { return t.path(); }
        @Override public String queryWithMark() { return t.queryWithMark(); }

        @Override public String srcAddress() { return t.srcAddress(); }
        @Override public int srcPort() { return t.srcPort(); }
        @Override public String dstAddress() { return t.dstAddress(); }
        @Override public int dstPort() { return t.dstPort(); }
        @Override public boolean ssl() { return t.ssl(); }
        @Override public String sni() { return t.sni(); }
        @Override public String frontendName() { return t.frontendName(); }
        @Override public String backendName() { return t.backendName(); }
        @Override public String method() { return t.method(); }
        @Override public String uri() { return t.uri(); }
        @Override public String version() { return t.version(); }
        @Override public int requestHeaderCount() { return t.requestHeaderCount(); }
        @Override public String requestHeaderName(int i) { return t.requestHeaderName(i); }
        @Override public String requestHeaderValue(int i) { return t.requestHeaderValue(i); }
        @Override public int status() { return status; }
        @Override public int responseHeaderCount() { return headers.size(); }
        @Override public String responseHeaderName(int i) { return headers.name(i); }
        @Override public String responseHeaderValue(int i) { return headers.value(i); }
        @Override public int nbsrv(String backend) { return t.nbsrv(backend); }
        @Override public boolean srvIsUp(String backend, String server) { return t.srvIsUp(backend, server); }
        @Override public Object variable(String name) { return t.variable(name); }
        @Override public void setVariable(String name, Object value) { t.setVariable(name, value); }
        @Override public void setVariable(String name, Object value, int flags) { t.setVariable(name, value, flags); }
        @Override public void appendLogVariable(LogVariable v, StringBuilder out) { t.appendLogVariable(v, out); }
        @Override public io.vxlb.rules.ConnectionFacts connectionFacts() { return t.connectionFacts(); }
        // the defaults of Txn and ActionContext too: a view that forgot one would answer "no sample"
        @Override public String captured(boolean request, int slot) { return t.captured(request, slot); }
        @Override public String uniqueId() { return t.uniqueId(); }
        @Override public io.vxlb.stick.StreamCounters streamCounters() { return t.streamCounters(); }
        @Override public io.vxlb.stick.StickTables stickTables() { return t.stickTables(); }
        @Override public io.vxlb.stick.StreamCounters trackingCounters() { return t.trackingCounters(); }
        @Override public Boolean firstRequest() { return t.firstRequest(); }
        @Override public long feConn(String fe) { return t.feConn(fe); }
        @Override public long beConn(String be) { return t.beConn(be); }
        @Override public long srvConn(String be, String srv) { return t.srvConn(be, srv); }
        @Override public String serverName() { return t.serverName(); }
        @Override public int serverId() { return t.serverId(); }
        @Override public String listenerName() { return t.listenerName(); }
        @Override public String receivedMethod() { return t.receivedMethod(); }
        @Override public String receivedUri() { return t.receivedUri(); }
        @Override public long timeout(String which, boolean current) { return t.timeout(which, current); }
        @Override public String frontendDefaultBackend() { return t.frontendDefaultBackend(); }
        @Override public String lastRuleFile() { return t.lastRuleFile(); }
        @Override public int lastRuleLine() { return t.lastRuleLine(); }
        @Override public byte[] requestBody() { return t.requestBody(); }
        @Override public long requestBodySize() { return t.requestBodySize(); }
    }
}
