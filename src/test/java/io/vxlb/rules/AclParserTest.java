package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclParserTest {

    private static AclDef acl(String line) {
        return AclParser.parse("a", List.of(line.split(" ")));
    }

    private static RuleException error(String line) {
        return assertThrows(RuleException.class, () -> acl(line));
    }

    @Test
    void seedHdrBegWithIgnoreCase() {
        AclDef a = AclParser.parse("host_static", List.of("hdr_beg(Host)", "-i", "static.", "images."));
        assertEquals("host_static", a.name());
        assertEquals("hdr_beg", a.criterion().aclKeyword());
        assertEquals("req.hdr", a.sample().fetch().name());
        assertEquals(List.of("Host"), a.sample().fetchArgs());
        assertEquals(MatchMethod.BEG, a.method());
        assertTrue(a.ignoreCase());
        assertEquals(List.of("static.", "images."), a.values());
        assertEquals(List.of(2, 3), a.patterns().stream().map(AclPattern::wordIndex).toList());
        assertTrue(a.warnings().isEmpty());
    }

    @Test
    void seedPathEnd() {
        AclDef a = acl("path_end -i .jpg .png");
        assertEquals("path", a.sample().fetch().name());
        assertEquals(MatchMethod.END, a.method());
        assertTrue(a.ignoreCase());
        assertEquals(List.of(".jpg", ".png"), a.values());
    }

    @Test
    void seedUrlSub() {
        AclDef a = acl("url_sub wtd=wt1");
        assertEquals("url", a.sample().fetch().name());
        assertEquals(MatchMethod.SUB, a.method());
        assertFalse(a.ignoreCase());
        assertEquals(List.of("wtd=wt1"), a.values());
    }

    @Test
    void seedHdrCntIsAnIntegerFetch() {
        AclDef a = acl("hdr_cnt(Sec-WebSocket-Key) eq 1");
        assertNull(a.criterion().aclKeyword(), "hdr_cnt is a fetch, not an ACL keyword");
        assertEquals("hdr_cnt", a.sample().fetch().name());
        assertEquals(List.of("Sec-WebSocket-Key"), a.sample().fetchArgs());
        assertEquals(MatchMethod.INT, a.method());
        assertEquals(1, a.patterns().size());
        assertEquals(new IntPattern(IntPattern.Op.EQ, 1, 1), a.patterns().get(0).intPattern());
        assertEquals(2, a.patterns().get(0).wordIndex());
    }

    @Test
    void seedNbsrvGreaterThan() {
        AclDef a = acl("nbsrv(bck1) gt 0");
        assertEquals(List.of("bck1"), a.sample().backendRefs());
        assertEquals(List.of(a.sample()), a.sampleExprs());
        assertEquals(MatchMethod.INT, a.method());
        IntPattern p = a.patterns().get(0).intPattern();
        assertEquals(IntPattern.Op.GT, p.op());
        assertFalse(p.matches(0));
        assertTrue(p.matches(1));
        assertEquals("gt 0", p.toString());
    }

    @Test
    void seedPlainFetchWithDefaultStringMatch() {
        AclDef a = acl("hdr(Sec-WebSocket-Protocol) echo-protocol");
        assertEquals("hdr", a.criterion().aclKeyword());
        assertEquals("req.hdr", a.sample().fetch().name());
        assertEquals(MatchMethod.STR, a.method());
        assertEquals(List.of("echo-protocol"), a.values());
    }

    @ParameterizedTest
    @CsvSource({
            "hdr_beg(x), req.hdr, BEG", "hdr_end(x), req.hdr, END", "hdr_sub(x), req.hdr, SUB",
            "hdr_dom(x), req.hdr, DOM", "hdr_reg(x), req.hdr, REG", "hdr_dir(x), req.hdr, DIR",
            "hdr_len(x), req.hdr, LEN", "hdr_cnt(x), hdr_cnt, INT", "hdr_ip(x), hdr_ip, IP",
            "hdr_val(x), hdr_val, INT", "path_beg, path, BEG", "path_end, path, END", "path_sub, path, SUB",
            "path_dir, path, DIR", "path_dom, path, DOM", "path_reg, path, REG", "path_len, path, LEN",
            "url_beg, url, BEG", "url_end, url, END", "url_sub, url, SUB", "url_reg, url, REG",
            "url_dom, url, DOM", "url_dir, url, DIR", "url_len, url, LEN", "url_ip, url_ip, IP",
            "url_port, url_port, INT", "urlp_beg(id), urlp, BEG", "urlp_reg(id), urlp, REG",
            "urlp_len(id), urlp, LEN", "base_sub, base, SUB", "cook(s), req.cook, STR",
            "cook_beg(s), req.cook, BEG", "shdr_end(x), res.hdr, END", "src, src, IP", "dst, dst, IP",
            "method, method, METH", "req.ver, req.ver, STR", "nbsrv(b), nbsrv, INT",
            "srv_is_up(b/s), srv_is_up, BOOL", "always_true, always_true, BOOL", "always_false, always_false, BOOL",
            "'req.hdr(host),lower', req.hdr, STR", "'req.hdr(host),length', req.hdr, INT", "ssl_fc, ssl_fc, BOOL",
            "ssl_fc_sni_end, ssl_fc_sni, END", "status, status, INT", "src_port, src_port, INT",
            "'src,ipmask(24)', src, IP"
    })
    void criterionImpliesFetchAndMatch(String criterion, String fetch, MatchMethod method) {
        String value = method == MatchMethod.IP ? "10.0.0.1" : method == MatchMethod.INT || method == MatchMethod.LEN ? "1" : "x";
        AclDef a = AclParser.parse("a", List.of(criterion, value));
        assertEquals(fetch, a.sample().fetch().name());
        assertEquals(method, a.method());
    }

    @Test
    void reqHdrBegIsRejectedWithTheAlternatives() {
        RuleException e = error("req.hdr_beg(Host) -i www.");
        assertEquals(0, e.wordIndex());
        assertEquals("unknown fetch method 'req.hdr_beg'", e.getMessage());
        assertTrue(e.hint().contains("hdr_beg(host)"), e.hint());
        assertTrue(e.hint().contains("-m beg"), e.hint());
        // the response family is shdr_*, not res.hdr_*
        assertTrue(error("res.hdr_end(x) y").hint().contains("shdr_end("));
    }

    @Test
    void unknownCriterionSuggestsFetchesAndAclKeywords() {
        RuleException e = error("hdr_bge(host) www.");
        assertEquals("did you mean 'hdr_beg'?", e.hint());
        assertEquals(0, e.wordIndex());
        assertTrue(error("http_auth_group(users) admins").getMessage().contains("not supported by vxlb"));
    }

    @Test
    void explicitMatchOverridesTheKeyword() {
        AclDef a = acl("hdr_dom(host) -m beg www.");
        assertEquals(MatchMethod.BEG, a.method());
        assertEquals("req.hdr", a.sample().fetch().name());

        a = acl("req.cook(JSESSIONID) -m found");
        assertEquals(MatchMethod.FOUND, a.method());
        assertTrue(a.patterns().isEmpty());
        assertTrue(a.warnings().isEmpty());

        a = acl("req.payload(0,6) -m bin 48656c6c6f0a");
        assertEquals(MatchMethod.BIN, a.method());

        a = acl("req.hdr_cnt(x) -m bool");
        assertEquals(MatchMethod.BOOL, a.method());

        assertEquals(MatchMethod.REG, acl("path -m regm ^/x").method());
    }

    @Test
    void unknownOrIncompatibleMatchMethod() {
        RuleException e = error("path -m prefix /x");
        assertEquals(2, e.wordIndex());
        assertEquals("unknown matching method 'prefix'", e.getMessage());
        assertTrue(e.hint().contains("beg") && e.hint().contains("found") && e.hint().contains("dom"), e.hint());

        e = error("ssl_fc -m ip 10.0.0.1");
        assertTrue(e.getMessage().contains("cannot be used with 'ssl_fc', which returns a boolean sample"), e.getMessage());
        assertTrue(e.hint().contains("bool, int") && !e.hint().contains("ip"), e.hint());
        assertTrue(error("req.payload(0,2) -m int 1").getMessage().contains("binary"));
        assertEquals(MatchMethod.BEG, acl("src -m beg 10.").method(), "2.6 casts addresses to strings");

        e = error("req.payload(0,6) 48656c");
        assertTrue(e.getMessage().contains("'-m'"), e.getMessage());
        assertEquals(0, e.wordIndex());

        e = error("path -f a.lst -m beg");
        assertTrue(e.getMessage().contains("before patterns and files"), e.getMessage());
    }

    @Test
    void flags() {
        AclDef a = AclParser.parse("valid-ua", List.of("hdr(user-agent)", "-f", "exact-ua.lst", "-i", "-f",
                "generic-ua.lst", "-M", "-f", "map.lst", "-n", "-u", "42", "test"));
        assertEquals(3, a.patternFiles().size());
        assertEquals(List.of("exact-ua.lst", "generic-ua.lst", "map.lst"), a.patternFilePaths());
        assertFalse(a.patternFiles().get(0).ignoreCase(), "-i only applies to what follows it");
        assertTrue(a.patternFiles().get(1).ignoreCase());
        assertFalse(a.patternFiles().get(1).asMap());
        assertTrue(a.patternFiles().get(2).asMap());
        assertEquals(2, a.patternFiles().get(0).wordIndex());
        assertTrue(a.ignoreCase());
        assertTrue(a.noDns());
        assertEquals(42, a.uniqueId());
        assertEquals(List.of("test"), a.values());
        assertEquals(List.of(), a.warnings());
    }

    @Test
    void doubleDashEndsFlags() {
        AclDef a = acl("hdr(x) -- -i --");
        assertFalse(a.ignoreCase());
        assertEquals(List.of("-i", "--"), a.values());

        a = acl("hdr(x) -i -- -f");
        assertTrue(a.ignoreCase());
        assertEquals(List.of("-f"), a.values());
        assertTrue(a.patternFiles().isEmpty());

        a = acl("hdr(x) foo -i");
        assertFalse(a.ignoreCase(), "flags are only read before patterns");
        assertEquals(List.of("foo", "-i"), a.values());
        assertTrue(a.warnings().get(0).contains("'-i' after the first pattern"), a.warnings().toString());
    }

    @Test
    void badFlags() {
        RuleException e = error("hdr(x) -x foo");
        assertEquals(1, e.wordIndex());
        assertTrue(e.getMessage().contains("'-x' is not a valid ACL option"));
        assertTrue(e.hint().contains("'--'"), e.hint());
        assertTrue(error("hdr(x) -u abc").getMessage().contains("must be an integer"));
        assertTrue(error("hdr(x) -f").getMessage().contains("needs a file name"));
        assertEquals(1, error("hdr(x) -m").wordIndex());
    }

    @Test
    void integerOperatorsAndRanges() {
        AclDef a = acl("dst_port 80 1024:65535 :1023 8000- ge 9000 lt 10 20");
        List<IntPattern> p = a.patterns().stream().map(AclPattern::intPattern).toList();
        assertEquals(new IntPattern(IntPattern.Op.EQ, 80, 80), p.get(0));
        assertEquals(new IntPattern(IntPattern.Op.RANGE, 1024, 65535), p.get(1));
        assertEquals(new IntPattern(IntPattern.Op.RANGE, Long.MIN_VALUE, 1023), p.get(2));
        assertEquals(new IntPattern(IntPattern.Op.RANGE, 8000, Long.MAX_VALUE), p.get(3));
        assertEquals(new IntPattern(IntPattern.Op.GE, 9000, Long.MAX_VALUE), p.get(4));
        assertEquals(new IntPattern(IntPattern.Op.LT, Long.MIN_VALUE, 9), p.get(5));
        // an operator stays in force for the following values, as in HAProxy
        assertEquals(new IntPattern(IntPattern.Op.LT, Long.MIN_VALUE, 19), p.get(6));
        assertEquals(List.of("80", "1024:65535", ":1023", "8000-", "9000", "10", "20"), a.values());
        assertEquals(List.of(1, 2, 3, 4, 6, 8, 9), a.patterns().stream().map(AclPattern::wordIndex).toList());

        assertTrue(acl("path_len le 5").patterns().get(0).intPattern().matches(5));
        assertTrue(acl("req.hdr_val(content-length) gt").warnings().get(0).contains("not followed by a value"));
    }

    @Test
    void integerMatchRejectsNonIntegers() {
        RuleException e = error("nbsrv(bck1) gt zero");
        assertEquals(2, e.wordIndex());
        assertTrue(e.getMessage().contains("'zero' is neither a number nor a supported operator"), e.getMessage());
        assertTrue(error("dst_port 100:10").getMessage().contains("not a valid number range"));
        assertTrue(error("path_len x").getMessage().contains("'x'"));
    }

    @Test
    void regexPatternsMustCompile() {
        RuleException e = error("path_reg ^/ok$ ^/(bad");
        assertEquals(2, e.wordIndex());
        assertTrue(e.getMessage().startsWith("invalid regex '^/(bad'"), e.getMessage());
        assertNull(e.hint(), "no PCRE excuse for a plain syntax error");
        assertTrue(error("path_reg (?R)").hint().contains("recursion"));
        assertTrue(error("path_reg ^a\\Kb").hint().contains("\\K"));
        // POSIX classes are PCRE syntax that vxlb maps onto java.util.regex
        assertEquals(MatchMethod.REG, acl("hdr_reg(host) ^[[:alnum:]-]+\\.example\\.com$").method());
        assertTrue(RegexDialect.compile("^[[:alpha:]]+$", false).matcher("abc").matches());
        assertFalse(RegexDialect.compile("^[[:alpha:]]+$", false).matcher("a:c").matches());
        assertTrue(RegexDialect.compile("^[^[:space:]]+$", false).matcher("abc").matches());
        assertTrue(RegexDialect.compile("^[[]$", false).matcher("[").matches());
        assertTrue(RegexDialect.compile("^[]a]+$", false).matcher("]a").matches());
        assertTrue(RegexDialect.compile("^[a&&b]+$", false).matcher("&").matches());
        assertTrue(RegexDialect.compile("^WWW", true).matcher("www.x").find());
    }

    @Test
    void ipAndBinaryPatterns() {
        AclDef a = acl("src 10.0.0.0/8 192.168.1/24 127.0.0.1/255.0.0.0 ::1 2001:db8::/32 localhost");
        assertEquals(MatchMethod.IP, a.method());
        assertEquals(6, a.patterns().size());
        RuleException e = error("src 10.0.0.300");
        assertEquals(1, e.wordIndex());
        assertTrue(error("src 10.0.0.0/33").getMessage().contains("not a valid IP"));
        assertTrue(error("src -n localhost").getMessage().contains("'-n'"));
        assertTrue(error("req.payload(0,2) -m bin 4g").getMessage().contains("hex"));
    }

    @Test
    void noPatternIsAWarningLikeInHaproxy() {
        AclDef a = acl("hdr(host)");
        assertTrue(a.patterns().isEmpty());
        assertEquals(1, a.warnings().size());
        assertTrue(a.warnings().get(0).contains("never match"), a.warnings().toString());
        assertTrue(a.warnings().get(0).contains("-m found"));
        assertTrue(acl("hdr(host) --").warnings().isEmpty(), "'--' says it is intended");
        assertTrue(acl("always_true").warnings().isEmpty());
        assertTrue(acl("ssl_fc").warnings().isEmpty());
        assertTrue(acl("nbsrv(bck1)").warnings().get(0).contains("never match"));
        assertTrue(acl("hdr(x) -m found foo").warnings().get(0).contains("ignored"));
    }

    @Test
    void convertersAfterAnAclKeywordChangeTheMatchAsIn26() {
        AclDef a = acl("hdr_beg(host),lower www.");
        assertEquals(MatchMethod.STR, a.method());
        assertEquals(List.of("lower"), a.sample().converters().stream().map(c -> c.conv().name()).toList());
        assertTrue(a.warnings().get(0).contains("req.hdr(host),lower -m beg"), a.warnings().toString());
    }

    @Test
    void nameAndCriterionErrors() {
        assertTrue(assertThrows(RuleException.class, () -> AclParser.parse("bad name", List.of("src", "1.2.3.4")))
                .getMessage().contains("invalid character"));
        RuleException e = assertThrows(RuleException.class, () -> AclParser.parse("x", List.of()));
        assertTrue(e.getMessage().contains("missing criterion"));
        e = error("req.hdr(host),lowr foo");
        assertEquals(0, e.wordIndex());
        assertEquals("did you mean 'lower'?", e.hint());
        assertTrue(acl("hdr (host)").warnings().get(0).contains("remove the space"));
    }

    @Test
    void methodAclKeepsItsOwnMatch() {
        AclDef a = acl("method GET HEAD");
        assertEquals(MatchMethod.METH, a.method());
        assertEquals(List.of("GET", "HEAD"), a.values());
        assertEquals(MatchMethod.STR, acl("method -m str GET").method());
        assertTrue(error("meth(GET) x").getMessage().contains("'-m'"));
    }
}
