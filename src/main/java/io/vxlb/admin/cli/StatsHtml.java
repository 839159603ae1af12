package io.vxlb.admin.cli;

import io.vxlb.config.Proxy;
import io.vxlb.runtime.Snapshot;

import java.util.Map;

/**
 * The stats page's HTML in HAProxy's layout (src/stats.c stats_dump_html_*): a table per proxy
 * with its FRONTEND, server and BACKEND rows under HAProxy's two header lines (Queue, Session
 * rate, Sessions, Bytes, Denied, Errors, Warnings, Server), rows classed as HAProxy's
 * ({@code frontend}, {@code backend}, {@code active_up}, {@code active_down},
 * {@code active_no_check}, {@code active_draining}, {@code maintain}, {@code backup_*}) with its
 * colours. In a cluster: the cluster's sums first, then each node's tables.
 */
final class StatsHtml {
    private StatsHtml() {}

    private static final String CSS = """
            body { font-family: arial, helvetica, sans-serif; font-size: 12px; font-weight: normal; color: black; background: white;}
            th,td { font-size: 10px;}
            h1 { font-size: x-large; margin-bottom: 0.5em;}
            h2 { font-family: helvetica, arial; font-size: x-large; font-weight: bold; font-style: italic; color: #6020a0; margin-top: 0em; margin-bottom: 0em;}
            h3 { font-family: helvetica, arial; font-size: 16px; font-weight: bold; color: #b00040; background: #e8e8d0; margin-top: 0em; margin-bottom: 0em;}
            table.tbl { border-collapse: collapse; border-style: none;}
            table.tbl td { text-align: right; border-width: 1px 1px 1px 1px; border-style: solid solid solid solid; padding: 2px 3px; border-color: gray; white-space: nowrap;}
            table.tbl td.ac { text-align: center;}
            table.tbl th { border-width: 1px; border-style: solid solid solid solid; border-color: gray;}
            table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; border-style: solid solid none solid; padding: 2px 3px; white-space: nowrap;}
            table.tbl th.empty { border-style: none; empty-cells: hide; background: white;}
            table.tbl th.desc { background: white; border-style: solid solid none solid; text-align: left; padding: 2px 3px;}
            .titre { background: #20D0D0; color: #000000; font-weight: bold; text-align: center;}
            .total { background: #20D0D0; color: #ffff80;}
            .frontend { background: #e8e8d0;}
            .socket { background: #d0d0d0;}
            .backend { background: #e8e8d0;}
            .active_down { background: #ff9090;}
            .active_going_up { background: #ffd020;}
            .active_going_down { background: #ffffa0;}
            .active_up { background: #c0ffc0;}
            .active_nolb { background: #20a0ff;}
            .active_draining { background: #20a0FF;}
            .active_no_check { background: #e0e0e0;}
            .backup_down { background: #ff9090;}
            .backup_up { background: #b0d0ff;}
            .backup_no_check { background: #e0e0e0;}
            .backup_draining { background: #cc9900;}
            .maintain { background: #c07820;}
            a.px:link { color: #ffff40; text-decoration: none;}
            a.lfsb { text-decoration: none; color: black;}
            """;

    static String page(Snapshot snapshot, Map<String, StatsTable> tables, String self, Proxy px, boolean admin, String status,
                       boolean legends, boolean hideVersion, String uri) {
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<!DOCTYPE html>\n<html><head><title>Statistics Report for vxlb on ").append(esc(self)).append("</title>\n")
                .append("<meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n<style type=\"text/css\"><!--\n").append(CSS).append("--></style></head>\n<body>")
                .append("<h1><a href=\"https://github.com/\" style=\"text-decoration: none;\">vxlb").append(hideVersion ? "" : " " + esc(String.valueOf(io.vxlb.Main.class.getPackage().getImplementationVersion())))
                .append("</a></h1>\n<h2>Statistics Report for node ").append(esc(self)).append("</h2>\n<hr width=\"100%\" class=\"hr\">\n");
        sb.append("<h3>&gt; General process information</h3>\n<p id=\"nodes\">nodes: ").append(tables.size());
        for (String n : tables.keySet()) sb.append(" <a href=\"#node-").append(esc(n)).append("\">").append(esc(n)).append("</a>");
        sb.append("</p>\n");
        if (status != null) sb.append("<p id=\"st\" class=\"st-").append(esc(status)).append("\">").append(esc(statusText(status))).append("</p>\n");
        if (legends) {
            sb.append("<table class=\"lgd\"><tr><td class=\"active_up\">active UP</td><td class=\"backup_up\">backup UP</td><td class=\"active_down\">active or backup DOWN</td>"
                    + "<td class=\"active_draining\">active or backup SOFT STOPPED (DRAIN)</td><td class=\"maintain\">active or backup DOWN for maintenance (MAINT)</td>"
                    + "<td class=\"active_no_check\">not checked</td></tr></table>\n");
        }
        if (tables.size() > 1) {
            sb.append("<h3 id=\"cluster\">&gt; Cluster total (").append(tables.size()).append(" nodes)</h3>\n");
            proxies(sb, snapshot, StatsTable.sum(new java.util.ArrayList<>(tables.values())), "cluster", false, uri);
        }
        for (Map.Entry<String, StatsTable> e : tables.entrySet()) {
            sb.append("<h3 id=\"node-").append(esc(e.getKey())).append("\">&gt; Node ").append(esc(e.getKey()))
                    .append(e.getKey().equals(self) ? " (this node)" : "").append("</h3>\n");
            proxies(sb, snapshot, e.getValue(), e.getKey(), admin && e.getKey().equals(self), uri);
        }
        return sb.append("</body></html>\n").toString();
    }

    private static String statusText(String st) {
        return switch (st) {
            case "DONE" -> "Action processed successfully.";
            case "PART" -> "Action partially processed.";
            case "NONE" -> "Nothing has changed.";
            case "ERRP" -> "Action not processed because of invalid parameters.";
            case "DENY" -> "Action denied.";
            default -> "Unexpected result.";
        };
    }

    private static void proxies(StringBuilder sb, Snapshot snapshot, StatsTable t, String scope, boolean admin, String uri) {
        String current = null;
        boolean form = false;
        for (StatsTable.Row r : t.rows()) {
            if (!r.pxname().equals(current)) {
                if (current != null) close(sb, form, t, current);
                current = r.pxname();
                Proxy p = snapshot.config().proxy(current).orElse(null);
                form = admin && p != null && p.kind().hasBackend() && !p.servers().isEmpty();
                if (form) sb.append("<form method=\"post\" action=\"").append(esc(uri)).append("\">");
                String anchor = esc(scope + "/" + current);
                sb.append("<table class=\"tbl\" width=\"100%\"><tr class=\"titre\"><th class=\"pxname\" width=\"10%\"><a name=\"").append(anchor)
                        .append("\"></a><a class=px href=\"#").append(anchor).append("\">").append(esc(current)).append("</a></th><th class=\"empty\" width=\"90%\"></th></tr></table>\n")
                        .append("<table class=\"tbl\" width=\"100%\" data-proxy=\"").append(esc(current)).append("\" data-scope=\"").append(esc(scope)).append("\">\n")
                        .append("<tr class=\"titre\">").append(form ? "<th rowspan=2 width=1></th>" : "")
                        .append("<th rowspan=2></th><th colspan=3>Queue</th><th colspan=3>Session rate</th><th colspan=6>Sessions</th><th colspan=2>Bytes</th>")
                        .append("<th colspan=2>Denied</th><th colspan=3>Errors</th><th colspan=2>Warnings</th><th colspan=9>Server</th></tr>\n")
                        .append("<tr class=\"titre\"><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th>")
                        .append("<th>Limit</th><th>Total</th><th>LbTot</th><th>Last</th><th>In</th><th>Out</th><th>Req</th><th>Resp</th><th>Req</th><th>Conn</th>")
                        .append("<th>Resp</th><th>Retr</th><th>Redis</th><th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th><th>Chk</th><th>Dwn</th>")
                        .append("<th>Dwntme</th><th>Thrtle</th></tr>\n");
            }
            row(sb, r, form);
        }
        if (current != null) close(sb, form, t, current);
    }

    private static void close(StringBuilder sb, boolean form, StatsTable t, String proxy) {
        sb.append("</table>");
        if (form) {
            StatsTable.Row be = t.find(proxy, "BACKEND");
            sb.append("Choose the action to perform on the checked servers : <select name=action><option value=\"\"></option>")
                    .append("<option value=\"ready\">Set state to READY</option><option value=\"drain\">Set state to DRAIN</option>")
                    .append("<option value=\"maint\">Set state to MAINT</option><option value=\"weight\">Set weight (vxlb)</option></select>")
                    .append(" weight <input type=\"text\" name=\"weight\" size=\"3\">")
                    .append("<input type=\"hidden\" name=\"b\" value=\"#").append(be == null ? "" : esc(be.get("iid"))).append("\">")
                    .append("&nbsp;<input type=\"submit\" value=\"Apply\"></form>");
        }
        sb.append("<p>\n");
    }

    private static String rowClass(StatsTable.Row r) {
        if (r.type() == StatsTable.Type.FRONTEND) return "frontend";
        if (r.type() == StatsTable.Type.BACKEND) return "backend";
        String kind = "1".equals(r.get("bck")) ? "backup" : "active";
        return switch (r.get("status")) {
            case "MAINT" -> "maintain";
            case "DRAIN" -> kind + "_draining";
            case "DOWN" -> kind + "_down";
            case "no check" -> kind + "_no_check";
            case "MIXED" -> kind + "_going_down";
            default -> kind + "_up";
        };
    }

    private static void row(StringBuilder sb, StatsTable.Row r, boolean form) {
        String name = switch (r.type()) {
            case FRONTEND -> "Frontend";
            case BACKEND -> "Backend";
            default -> r.svname();
        };
        sb.append("<tr class=\"").append(rowClass(r)).append("\" data-svname=\"").append(esc(r.svname())).append("\">");
        if (form) {
            sb.append("<td>");
            if (r.type() == StatsTable.Type.SERVER) sb.append("<input type=\"checkbox\" name=\"s\" value=\"").append(esc(r.svname())).append("\">");
            sb.append("</td>");
        }
        sb.append("<td class=ac><a class=lfsb>").append(esc(name)).append("</a></td>");
        for (String c : new String[] {"qcur", "qmax", "qlimit", "rate", "rate_max", "rate_lim", "scur", "smax", "slim", "stot", "lbtot", "lastsess",
                "bin", "bout", "dreq", "dresp", "ereq", "econ", "eresp", "wretr", "wredis"}) {
            String v = r.get(c);
            if (c.equals("lastsess")) v = v.isEmpty() || v.equals("-1") ? "" : v + "s";
            sb.append("<td>").append(esc(v)).append("</td>");
        }
        String status = r.get("status");
        if (r.type() == StatsTable.Type.SERVER && !r.get("check_status").isEmpty()) status = status + " " + r.get("check_status");
        sb.append("<td class=ac>").append(esc(status)).append("</td><td class=ac>").append(esc(r.get("check_desc"))).append("</td>");
        for (String c : new String[] {"weight", "act", "bck", "chkfail", "chkdown", "downtime", "throttle"}) sb.append("<td class=ac>").append(esc(r.get(c))).append("</td>");
        sb.append("</tr>\n");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < ' ' ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
