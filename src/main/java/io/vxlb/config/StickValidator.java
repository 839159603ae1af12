package io.vxlb.config;

import io.vxlb.rules.ClosestName;
import io.vxlb.rules.Condition;
import io.vxlb.rules.SampleExpr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What no stick line can check alone: every table a rule, fetch or converter names exists; a
 * stick rule has a table (its proxy's or a named one). As HAProxy does, a table that stick rules
 * use stores server_id (added by {@link #withServerIds}).
 */
final class StickValidator {
    private final ParseContext ctx;
    private final Map<String, Proxy> tables = new LinkedHashMap<>();

    StickValidator(ParseContext ctx) {
        this.ctx = ctx;
    }

    void validate(List<Proxy> proxies) {
        for (Proxy p : proxies) if (p.stick().table() != null) tables.put(p.name(), p);
        for (Proxy p : proxies) {
            String label = p.kind().word() + " " + p.name();
            for (StickRule r : p.stick().rules()) {
                String t = r.table() != null ? r.table() : p.name();
                if (!tables.containsKey(t)) {
                    ctx.error(r.location(), label, "stick " + r.kind().word, r.table() == null
                                    ? "'stick " + r.kind().word + "' needs a stick-table: " + label + " has none"
                                    : "no stick-table named '" + t + "'",
                            r.table() == null ? "add a 'stick-table' line to " + label + " or name another table with 'table NAME'" : hint(t));
                }
                exprRefs(p, r.key(), r.location(), "stick " + r.kind().word);
                cond(p, r.condition(), r.location(), "stick " + r.kind().word);
            }
            rules(p, p.httpRequestRules(), "http-request");
            rules(p, p.httpResponseRules(), "http-response");
            tcpRules(p, p.tcpRules().connection(), "tcp-request connection");
            tcpRules(p, p.tcpRules().session(), "tcp-request session");
            tcpRules(p, p.tcpRules().content(), "tcp-request content");
            for (AclLine a : p.acls()) exprRefs(p, a.acl().sample(), a.location(), "acl");
        }
    }

    private void rules(Proxy p, List<HttpRule> rules, String side) {
        for (HttpRule r : rules) {
            String kw = side + " " + r.action().keyword();
            if (r.action() instanceof io.vxlb.action.StickCounterAction a) {
                if (a.op() == io.vxlb.action.StickCounterAction.Op.TRACK) trackTable(p, r.location(), kw, a.keyword(), a.table());
                if (a.key() != null) exprRefs(p, a.key(), r.location(), kw);
            } else if (r.action() instanceof io.vxlb.action.SetVarAction v) {
                exprRefs(p, v.expr(), r.location(), kw);
            }
            cond(p, r.condition(), r.location(), kw);
        }
    }

    private void tcpRules(Proxy p, List<TcpRule> rules, String side) {
        for (TcpRule r : rules) {
            String kw = side + " " + r.action().keyword();
            if (r.action() instanceof TcpAction.TrackSc a) {
                trackTable(p, r.location(), kw, a.keyword(), a.table());
                exprRefs(p, a.key(), r.location(), kw);
            } else if (r.action() instanceof TcpAction.ScSetGpt0 g && g.expr() != null) {
                exprRefs(p, g.expr(), r.location(), kw);
            } else if (r.action() instanceof TcpAction.SetVar v) {
                exprRefs(p, v.expr(), r.location(), kw);
            }
            cond(p, r.condition(), r.location(), kw);
        }
    }

    /** A track-sc's table exists: the proxy's own (no 'table' on the line) or the one named. */
    private void trackTable(Proxy p, Location at, String kw, String action, String t) {
        if (tables.containsKey(t)) return;
        ctx.error(at, p.kind().word() + " " + p.name(), kw, t.equals(p.name())
                        ? "'" + action + "' without 'table' needs a stick-table in " + p.kind().word() + " '" + p.name() + "'"
                        : "no stick-table named '" + t + "'",
                t.equals(p.name()) ? "add a 'stick-table' line here, or name a table: '" + action + " src table NAME'" : hint(t));
    }

    private void cond(Proxy p, Condition c, Location at, String kw) {
        if (c == null) return;
        for (SampleExpr e : c.sampleExprs()) exprRefs(p, e, at, kw);
    }

    private void exprRefs(Proxy p, SampleExpr e, Location at, String kw) {
        if (e == null) return;  // set-var-fmt, unset-var
        // be_conn without an argument names the proxy it is written in, which must be a backend (HAProxy 2.6 refuses it in a frontend)
        if (e.fetch().name().equals("be_conn") && (e.fetchArgs().isEmpty() || e.fetchArgs().get(0).isEmpty()) && p.kind() == ProxyKind.FRONTEND) {
            ctx.error(at, p.kind().word() + " " + p.name(), kw, "'be_conn' without a backend names frontend '" + p.name() + "', which has no backend capability",
                    "name the backend: be_conn(BACKEND)");
        }
        for (String t : e.tableRefs()) {
            if (!tables.containsKey(t)) {
                ctx.error(at, p.kind().word() + " " + p.name(), kw, "'" + e.text() + "' names stick-table '" + t + "', which does not exist", hint(t));
            }
        }
    }

    private String hint(String t) {
        String h = ClosestName.hint(t, new ArrayList<>(tables.keySet()));
        return h != null ? h : "a table is named after the proxy that declares it: 'backend " + t + "' with a 'stick-table' line";
    }
}
