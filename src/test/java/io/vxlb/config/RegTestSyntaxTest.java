package io.vxlb.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Valid HAProxy 2.6 syntax that HAProxy's own reg-tests use: conditional blocks, redirect
 * options before the target, deny's 'status', str(), rules in named defaults, '!rstring',
 * unset variables.
 */
class RegTestSyntaxTest {
    private static final String DEFAULTS = """
            defaults
              mode http
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            """;

    private static ParseResult result(String text, Map<String, String> env) {
        return new ConfigParser(env::get).parse("test.cfg", text);
    }

    private static Config parse(String text) {
        ParseResult r = result(text, Map.of("SET", "yes"));
        assertTrue(r.ok(), () -> r.diagnostics().stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        return r.config();
    }

    private static List<String> errors(String text) {
        return result(text, Map.of("SET", "yes")).errors().stream().map(Diagnostic::format).toList();
    }

    private static Proxy proxy(Config c, String name) {
        return c.proxy(name).orElseThrow();
    }

    @Test
    void conditionalBlocksKeepTheTakenBranchOnly() {
        Config c = parse(DEFAULTS + """
                .if defined(SET)
                frontend a
                  bind 127.0.0.1:8001
                  http-request return status 200
                .elif 1
                frontend never1
                  bind 127.0.0.1:8002
                .else
                frontend never2
                  bind 127.0.0.1:8003
                .endif
                .if !defined(UNSET) && version_atleast(2.5-dev0)
                frontend b
                  bind 127.0.0.1:8004
                  .if streq("$SET",no)
                  http-request deny
                  .elif streq("$SET",yes)
                  http-request return status 201
                  .endif
                .endif
                .if 0
                  .if 1
                  nonsense keyword that is never parsed
                  .endif
                .else
                frontend c
                  bind 127.0.0.1:8005
                .endif
                """);
        assertEquals(List.of("a", "b", "c"), c.proxies().stream().map(Proxy::name).toList());
        assertInstanceOf(io.vxlb.action.ReturnAction.class, proxy(c, "b").httpRequestRules().get(0).action());
        assertEquals(201, ((io.vxlb.action.ReturnAction) proxy(c, "b").httpRequestRules().get(0).action()).status());
    }

    @Test
    void conditionalBlockErrorsNameTheLine() {
        List<String> e = errors(DEFAULTS + ".endif\n.else\n.if nosuch(1)\n.endif\n.if 1\n");
        assertEquals(4, e.size(), String.join("\n", e));
        assertTrue(e.get(0).contains("test.cfg:6:1") && e.get(0).contains("'.endif' without a matching '.if'"), e.get(0));
        assertTrue(e.get(1).contains("'.else' without a matching '.if'"), e.get(1));
        assertTrue(e.get(2).contains("test.cfg:8:5") && e.get(2).contains("unparsable conditional expression 'nosuch(1)'"), e.get(2));
        assertTrue(e.get(3).contains("test.cfg:10:1") && e.get(3).contains("non-terminated '.if' block"), e.get(3));
        assertTrue(errors(DEFAULTS + ".if 1\n.else\n.elif 1\n.endif\n").get(0).contains("'.elif' after '.else'"));
        assertTrue(errors(DEFAULTS + ".if 1\n.alert \"stop here\"\n.endif\n").get(0).contains("stop here"));
        assertTrue(errors(DEFAULTS + ".if 0\n.alert \"not this\"\n.endif\n").isEmpty());
        assertTrue(errors(DEFAULTS + ".iff 1\n").get(0).contains("unknown directive '.iff'"));
    }

    @Test
    void unsetVariablesExpandToNothingWithAWarning() {
        ParseResult r = result(DEFAULTS + "frontend a\n  bind \"127.0.0.1:8001${NOPE}\"\n  http-request return status 200\n", Map.of());
        assertTrue(r.ok(), r.diagnostics().toString());
        assertTrue(r.warnings().stream().anyMatch(d -> d.location().line() == 7
                && d.message().equals("environment variable 'NOPE' is not set: it expands to an empty string")), r.warnings().toString());
    }

    @Test
    void redirectOptionsMayComeBeforeTheTarget() {
        Config c = parse(DEFAULTS + """
                frontend a
                  bind 127.0.0.1:8001
                  http-request redirect code 301 location /new ignore-empty if { path /old }
                  redirect drop-query code 308 prefix /p
                """);
        Redirect r = ((io.vxlb.action.RedirectAction) proxy(c, "a").httpRequestRules().get(0).action()).redirect();
        assertEquals(301, r.code());
        assertEquals(Redirect.Type.LOCATION, r.type());
        assertTrue(r.condition() != null);
        Redirect r2 = proxy(c, "a").redirects().get(0);
        assertEquals(308, r2.code());
        assertTrue(r2.dropQuery());
        assertEquals(Redirect.Type.PREFIX, r2.type());
        assertTrue(errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n redirect code 301\n").get(0).contains("missing redirect type"));
        assertTrue(errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n redirect location /a prefix /b\n").get(0).contains("redirect type given twice"));
    }

    @Test
    void denyTakesStatusAsHaproxy22() {
        Config c = parse(DEFAULTS + """
                frontend a
                  bind 127.0.0.1:8001
                  http-request deny status 400 if { path /x }
                  http-request tarpit status 429
                  http-response deny status 502
                  http-request deny deny_status 200
                """);
        List<HttpRule> req = proxy(c, "a").httpRequestRules();
        assertEquals(400, ((io.vxlb.action.DenyAction) req.get(0).action()).status());
        assertEquals(429, ((io.vxlb.action.TarpitAction) req.get(1).action()).status());
        assertEquals(200, ((io.vxlb.action.DenyAction) req.get(2).action()).status());
        assertEquals(502, ((io.vxlb.action.DenyAction) proxy(c, "a").httpResponseRules().get(0).action()).status());
        Config body = parse(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request deny status 400 content-type text/plain string x\n");
        io.vxlb.action.HttpReply r = ((io.vxlb.action.DenyAction) proxy(body, "a").httpRequestRules().get(0).action()).reply();
        assertEquals(io.vxlb.action.HttpReply.Kind.STRING, r.kind());
        assertEquals("text/plain", r.contentType());
        String e = errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request tarpit status 400 content-type text/plain string x\n").get(0);
        assertTrue(e.contains("a tarpit's reply options"), e);
        e = errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request deny status 400 string x file y\n").get(0);
        assertTrue(e.contains("unexpected 'file' argument, 'string' already defined"), e);
        e = errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request deny status 400 errorfiles nowhere\n").get(0);
        assertTrue(e.contains("unknown http-errors section 'nowhere'"), e);
    }

    @Test
    void strWithAnEmptyListIsTheEmptyString() {
        parse(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request set-header x \"%[str()]\"\n http-request set-var(txn.x) str()\n http-request return status 200\n");
    }

    @Test
    void rulesOfANamedDefaultsRunBeforeTheProxys() {
        Config c = parse("""
                defaults common
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                defaults front from common
                  acl is_x path /x
                  http-request set-header x-from defaults if is_x
                  http-response set-header x-resp defaults
                frontend fe from front
                  bind 127.0.0.1:8001
                  http-request set-header x-from frontend
                  default_backend be
                backend be from common
                  server s 127.0.0.1:9000
                """);
        List<HttpRule> req = proxy(c, "fe").httpRequestRules();
        assertEquals(2, req.size());
        assertEquals("defaults", ((io.vxlb.action.SetHeaderAction) req.get(0).action()).value().text());
        assertEquals("frontend", ((io.vxlb.action.SetHeaderAction) req.get(1).action()).value().text());
        assertEquals(1, proxy(c, "fe").httpResponseRules().size());
        assertTrue(proxy(c, "be").httpRequestRules().isEmpty());
        assertTrue(proxy(c, "fe").acls().stream().anyMatch(a -> a.acl().name().equals("is_x")));
    }

    @Test
    void rulesInDefaultsFollowHaproxysRestrictions() {
        String anon = errors("defaults\n mode http\n http-request deny\n").get(0);
        assertTrue(anon.contains("'http-request deny' is not allowed in a 'defaults' section") && anon.contains("named defaults section"), anon);
        String rules = "defaults d\n mode http\n timeout connect 5s\n timeout client 5s\n timeout server 5s\n http-request deny\n";
        String listen = errors(rules + "listen l from d\n bind 127.0.0.1:8001\n server s 127.0.0.1:9000\n").get(0);
        assertTrue(listen.contains("a 'listen' section cannot use defaults section 'd'"), listen);
        String mixed = errors(rules + "frontend f from d\n bind 127.0.0.1:8001\n default_backend b\nbackend b from d\n server s 127.0.0.1:9000\n").get(0);
        assertTrue(mixed.contains("already used by a frontend; it cannot also be used by a backend"), mixed);
        String dup = errors(rules.replace(" http-request deny\n", " acl a path /a\n http-request deny if a\n")
                + "frontend f from d\n bind 127.0.0.1:8001\n acl a path /b\n http-request return status 200\n").get(0);
        assertTrue(dup.contains("ACL 'a' is also declared in defaults section 'd'"), dup);
        String chained = errors(rules + "defaults from d\n mode http\n").get(0);
        assertTrue(chained.contains("defaults section 'd' defines http-request/http-response rules: it cannot be used by another defaults section"), chained);
    }

    @Test
    void tcpCheckExpectTakesAGluedNegation() {
        Config c = parse(DEFAULTS + """
                backend b
                  option tcp-check
                  tcp-check connect
                  tcp-check expect !rstring "^error" comment "negative check"
                  server s 127.0.0.1:9000 check
                """);
        CheckStep.Expect e = (CheckStep.Expect) proxy(c, "b").checks().tcpCheckSteps().stream()
                .filter(s -> s instanceof CheckStep.Expect).findFirst().orElseThrow();
        assertTrue(e.negate());
        assertEquals(CheckStep.ExpectKind.RSTRING, e.kind());
    }

    @Test
    void ignoreEmptyBecomesANonEmptyCondition() {
        Config c = parse(DEFAULTS + """
                frontend a
                  bind 127.0.0.1:8001
                  http-request redirect code 301 location %[path,lower] ignore-empty
                  http-request redirect prefix %[req.hdr(host)] ignore-empty if { path /a } || { path /b }
                  http-request redirect location /fixed ignore-empty
                """);
        List<HttpRule> rules = proxy(c, "a").httpRequestRules();
        var first = rules.get(0).condition();
        assertEquals(1, first.orOfAnds().size());
        var term = first.orOfAnds().get(0).get(0).anonymous();
        assertEquals("path,lower", term.sample().text());
        var second = rules.get(1).condition();
        assertEquals(2, second.orOfAnds().size(), "ANDed into each OR group");
        assertEquals(2, second.orOfAnds().get(1).size());
        assertEquals(null, rules.get(2).condition(), "a literal target is never empty");
        assertTrue(errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request redirect location /x%[path] ignore-empty\n")
                .get(0).contains("'ignore-empty' is supported only when the target is one %[...] expression"));
        assertTrue(errors(DEFAULTS + "frontend a\n bind 127.0.0.1:8001\n http-request redirect location %[path] ignore-empty unless { path /x }\n")
                .get(0).contains("'unless' condition is not supported yet"));
    }

    @Test
    void httpslogIsNamedAndRefusedWithTheReason() {
        String e = errors(DEFAULTS + "  option httpslog\n").get(0);
        assertTrue(e.contains("'option httpslog' is not supported by vxlb") && e.contains("%[fc_err]") && e.contains("use 'option httplog'"), e);
    }

    @Test
    void returnLfFileReadsTheFileAsALogFormat(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("lf.txt"), "path is %[url]\n");
        Config c = parse(DEFAULTS + "frontend a\n  bind 127.0.0.1:8001\n  http-request return content-type text/plain lf-file " + f + " if { path /x }\n");
        io.vxlb.action.ReturnAction r = (io.vxlb.action.ReturnAction) proxy(c, "a").httpRequestRules().get(0).action();
        assertEquals(io.vxlb.action.HttpReply.Kind.LF_STRING, r.reply().kind());
        assertEquals("path is %[url]\n", r.reply().bodyFormat().text());
        String e = errors(DEFAULTS + "frontend a\n  bind 127.0.0.1:8001\n  http-request return content-type text/plain lf-file " + dir.resolve("none") + "\n").get(0);
        assertTrue(e.contains("failed to open file") && e.contains("'lf-file'"), e);
    }

    @Test
    void anEmptyReturnDropsItsContentTypeWithAWarning() {
        ParseResult r = result(DEFAULTS + "frontend a\n  bind 127.0.0.1:8001\n  http-request return content-type text/plain if { path /x }\n", Map.of());
        assertTrue(r.ok(), r.diagnostics().toString());
        io.vxlb.action.ReturnAction ret = (io.vxlb.action.ReturnAction) r.config().proxy("a").orElseThrow().httpRequestRules().get(0).action();
        assertEquals(null, ret.reply().contentType());
        assertTrue(r.warnings().stream().anyMatch(d -> d.message().equals(
                "content-type 'text/plain' ignored by the http reply because neither errorfile nor payload defined")), r.warnings().toString());
        ParseResult empty = result(DEFAULTS + "frontend a\n  bind 127.0.0.1:8001\n  http-request return content-type text/plain file /dev/null\n"
                + "  http-request return string \"\"\n", Map.of());
        assertTrue(empty.ok(), empty.diagnostics().toString());
        assertEquals(null, ((io.vxlb.action.ReturnAction) empty.config().proxy("a").orElseThrow().httpRequestRules().get(0).action()).reply().contentType());
        assertTrue(empty.warnings().stream().anyMatch(d -> d.message().equals(
                "content-type 'text/plain' ignored by the http reply when used with an empty payload")), empty.warnings().toString());
    }
}
