package io.vxlb.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vxlb.config.HttpAction;
import io.vxlb.rules.LogVariable;
import io.vxlb.rules.Txn;
import io.vxlb.runtime.CompiledBackend;
import io.vxlb.runtime.CompiledFrontend;
import io.vxlb.runtime.CompiledRule;

import java.util.List;
import java.util.regex.Matcher;

/**
 * {@code http-after-response} (HAProxy 2.6): rules run on the response head just before it is
 * written, whether it came from a server or from vxlb itself (error pages, redirects, deny,
 * return) — the backend's rules, then the frontend's (once for a listen section). {@code allow}
 * ends one proxy's list. Conditions see this final response: its status and headers.
 */
final class AfterResponseRules {
    private AfterResponseRules() {
    }

    /** Applies the rules to {@code resp}'s status and headers (not written yet); {@code be} is null before a backend is chosen. */
    static void run(Txn exchange, CompiledFrontend fe, CompiledBackend be, HttpServerResponse resp) {
        List<CompiledRule> feRules = fe.afterResponseRules();
        List<CompiledRule> beRules = be == null || be.proxy() == fe.proxy() ? List.of() : be.afterResponseRules();
        if (feRules.isEmpty() && beRules.isEmpty()) return;
        View v = new View(exchange, resp);
        v.run(beRules);
        v.run(feRules);
        v.writeBack();
    }

    /** The exchange with the response being written in place of the server's. */
    private static final class View implements Txn {
        private final Txn t;
        private final HttpServerResponse resp;
        private final HeaderList headers;
        private int status;
        private String reason;
        private boolean statusChanged;

        View(Txn t, HttpServerResponse resp) {
            this.t = t;
            this.resp = resp;
            this.headers = HeaderList.of(resp.headers());
            this.status = resp.getStatusCode();
        }

        void run(List<CompiledRule> rules) {
            for (CompiledRule r : rules) {
                if (!r.applies(this)) continue;
                HttpAction a = r.action();
                if (a instanceof HttpAction.Allow) return;
                if (a instanceof HttpAction.SetHeader sh) {
                    String v = r.value().format(this);
                    if (sh.add()) headers.add(sh.name(), v);
                    else headers.set(sh.name(), v);
                } else if (a instanceof HttpAction.DelHeader dh) {
                    headers.removeMatching(dh.name(), dh.method(), r.regex());
                } else if (a instanceof HttpAction.ReplaceHeader rh) {
                    String replacement = r.value().format(this);
                    for (int i = 0; i < headers.size(); i++) {
                        if (!headers.name(i).equalsIgnoreCase(rh.name())) continue;
                        headers.setValue(i, rh.eachValue() ? replaceEachValue(headers.value(i), r, replacement) : replace(headers.value(i), r, replacement));
                    }
                } else if (a instanceof HttpAction.SetStatus s) {
                    status = s.status();
                    reason = s.reason() != null ? s.reason() : io.netty.handler.codec.http.HttpResponseStatus.valueOf(s.status()).reasonPhrase();
                    statusChanged = true;
                } else if (a instanceof HttpAction.SetVar sv) {
                    Object value = r.sample().eval(this);
                    if (value != null) t.setVariable(sv.variable(), value);
                }
            }
        }

        void writeBack() {
            if (statusChanged) resp.setStatusCode(status).setStatusMessage(reason);
            MultiMap h = resp.headers();
            h.clear();
            for (int i = 0; i < headers.size(); i++) h.add(headers.name(i), headers.value(i));
        }

        private static String replace(String value, CompiledRule r, String replacement) {
            Matcher m = r.regex().matcher(value);
            return m.find() ? HttpExchange.substitute(replacement, m) : value;
        }

        private static String replaceEachValue(String value, CompiledRule r, String replacement) {
            String[] parts = value.split(",", -1);
            StringBuilder sb = new StringBuilder(value.length());
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) sb.append(',');
                String p = parts[i];
                int lead = 0;
                while (lead < p.length() && p.charAt(lead) == ' ') lead++;
                sb.append(p, 0, lead).append(replace(p.substring(lead), r, replacement));
            }
            return sb.toString();
        }

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
        @Override public void appendLogVariable(LogVariable v, StringBuilder out) { t.appendLogVariable(v, out); }
        @Override public io.vxlb.rules.ConnectionFacts connectionFacts() { return t.connectionFacts(); }
    }
}
