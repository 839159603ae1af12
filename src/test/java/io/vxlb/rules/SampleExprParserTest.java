package io.vxlb.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleExprParserTest {

    private static List<String> convNames(SampleExpr e) {
        return e.converters().stream().map(c -> c.conv().name()).toList();
    }

    private static RuleException error(String text) {
        return assertThrows(RuleException.class, () -> SampleExprParser.parse(text));
    }

    @Test
    void seedMapDomExpression() {
        SampleExpr e = SampleExprParser.parse("req.hdr(host),lower,map_dom(hosts.map,bk_default)");
        assertEquals("req.hdr", e.fetch().name());
        assertEquals(List.of("host"), e.fetchArgs());
        assertEquals(List.of("lower", "map_dom"), convNames(e));
        assertEquals(List.of(), e.converters().get(0).args());
        assertEquals(List.of("hosts.map", "bk_default"), e.converters().get(1).args());
        assertEquals(List.of("hosts.map"), e.mapFiles());
        assertEquals(SampleType.STRING, e.outputType());
        assertEquals("req.hdr(host),lower,map_dom(hosts.map,bk_default)", e.text());
    }

    @Test
    void fetchWithoutArguments() {
        SampleExpr e = SampleExprParser.parse("path");
        assertEquals("path", e.fetch().name());
        assertTrue(e.fetchArgs().isEmpty());
        assertTrue(e.converters().isEmpty());
        assertEquals(SampleType.STRING, e.outputType());
        assertTrue(SampleExprParser.parse("path()").fetchArgs().isEmpty(), "2.6 accepts empty parentheses");
    }

    @Test
    void outputTypesFollowTheLastConverter() {
        assertEquals(SampleType.IP, SampleExprParser.parse("src").outputType());
        assertEquals(SampleType.INTEGER, SampleExprParser.parse("req.hdr(host),length").outputType());
        assertEquals(SampleType.BOOLEAN, SampleExprParser.parse("src_port,odd").outputType());
        assertEquals(SampleType.METHOD, SampleExprParser.parse("method").outputType());
        assertEquals(SampleType.INTEGER, SampleExprParser.parse("req.hdr(x-id),map_str_int(ids.map,0)").outputType());
    }

    @Test
    void fieldAndWordArguments() {
        SampleExpr e = SampleExprParser.parse("req.hdr(x-forwarded-for),field(1,\\,)");
        // a backslash does not protect a comma in 2.6: '\' is kept and the comma splits
        assertEquals(List.of("1", "\\", ""), e.converters().get(0).args());

        e = SampleExprParser.parse("path,word(-1,/,2)");
        assertEquals(List.of("-1", "/", "2"), e.converters().get(0).args());

        e = SampleExprParser.parse("str('a,b'),field(2,',')");
        assertEquals(List.of("a,b"), e.fetchArgs());
        assertEquals(List.of("2", ","), e.converters().get(0).args());
    }

    @Test
    void quotesAndEscapes() {
        SampleExpr e = SampleExprParser.parse("url,regsub('(foo|bar)([0-9]+)?',\"\\2\\1\",ig)");
        ConverterCall regsub = e.converters().get(0);
        assertEquals("regsub", regsub.conv().name());
        assertEquals(List.of("(foo|bar)([0-9]+)?", "\\2\\1", "ig"), regsub.args());

        e = SampleExprParser.parse("str(a\\ b),concat(\"),(\",txn.x,')')");
        assertEquals(List.of("a b"), e.fetchArgs());
        assertEquals(List.of("),(", "txn.x", ")"), e.converters().get(0).args());

        e = SampleExprParser.parse("str(x),concat(a\\tb)");
        assertEquals("a\tb", e.converters().get(0).args().get(0));
    }

    @Test
    void backendAndServerReferences() {
        SampleExpr e = SampleExprParser.parse("nbsrv(bck1)");
        assertEquals(List.of("bck1"), e.backendRefs());
        assertEquals(SampleType.INTEGER, e.outputType());

        e = SampleExprParser.parse("srv_is_up(bk_app/srv1)");
        assertEquals(List.of("bk_app/srv1"), e.serverRefs());
        assertEquals(SampleType.BOOLEAN, e.outputType());

        // 2.6 fills an omitted backend with the rule's own proxy
        assertTrue(SampleExprParser.parse("nbsrv").backendRefs().isEmpty());
        assertEquals(List.of("srv1"), SampleExprParser.parse("srv_conn(srv1)").serverRefs());
    }

    @Test
    void registryCoversTheRequiredNames() {
        for (String f : List.of("hdr", "req.hdr", "req.fhdr", "hdr_cnt", "req.hdr_cnt", "req.hdr_names", "path", "url",
                "base", "query", "url_param", "urlp", "method", "src", "src_port", "dst", "dst_port", "req.ver",
                "req.cook", "cook", "res.hdr", "status", "nbsrv", "srv_is_up", "be_name", "fe_name", "always_true",
                "always_false", "req.body", "http_auth", "ssl_fc", "ssl_fc_sni", "int", "str", "bool", "rand", "date")) {
            assertTrue(SampleFetches.find(f).isPresent(), f);
        }
        for (String c : List.of("lower", "upper", "map", "map_str", "map_beg", "map_end", "map_sub", "map_dom",
                "map_reg", "map_int", "map_ip", "field", "word", "regsub", "concat", "base64", "json", "length",
                "hex", "bytes")) {
            assertTrue(Converters.find(c).isPresent(), c);
        }
        assertFalse(Converters.find("host_only").isPresent(), "not in 2.6");
        assertFalse(SampleFetches.find("req.uri").isPresent(), "not in 2.6");
        SampleFetch hdr = SampleFetches.find("req.hdr").orElseThrow();
        assertEquals(List.of(ArgType.STRING, ArgType.INTEGER), hdr.args().stream().map(ArgSpec::type).toList());
        assertEquals("req.hdr([<name>[,<occ>]])", hdr.usage());
        Converter mapInt = Converters.find("map_int").orElseThrow();
        assertEquals(SampleType.INTEGER, mapInt.inputType());
        assertEquals(SampleType.STRING, mapInt.outputType());
        assertEquals(ArgType.SERVER, SampleFetches.find("srv_is_up").orElseThrow().args().get(0).type());
    }

    @Test
    void reqUriIsNotAFetchAndTheHintSaysUrl() {
        RuleException e = error("req.uri");
        assertEquals("unknown fetch method 'req.uri'", e.getMessage());
        assertTrue(e.hint().contains("'url'"), e.hint());
        assertTrue(e.hint().contains("'path'"), e.hint());
    }

    @Test
    void reqHdrBegIsNeitherAFetchNorAnAclKeyword() {
        RuleException e = error("req.hdr_beg(Host)");
        assertEquals("unknown fetch method 'req.hdr_beg'", e.getMessage());
        assertTrue(e.hint().contains("hdr_beg("), e.hint());
        assertTrue(e.hint().contains("req.hdr(...) -m beg"), e.hint());
    }

    @Test
    void aclKeywordUsedAsAFetch() {
        RuleException e = error("hdr_beg(host)");
        assertTrue(e.hint().contains("ACL keyword"), e.hint());
        assertTrue(e.hint().contains("-m beg"), e.hint());
    }

    @Test
    void typosGetASuggestion() {
        assertEquals("did you mean 'lower'?", error("req.hdr(host),lowr").hint());
        assertEquals("unknown converter 'lowr'", error("req.hdr(host),lowr").getMessage());
        assertEquals("did you mean 'src_port'?", error("src_prt").hint());
        assertTrue(error("lower").hint().contains("converter"));
    }

    @Test
    void unsupportedFamiliesAreNamedAsSuch() {
        // (stick counters, once the example here, are supported since vxlb-stick)
        RuleException e = error("51d.all(IsMobile)");
        assertTrue(e.getMessage().contains("not supported by vxlb"), e.getMessage());
        assertTrue(error("src,mqtt_is_valid").getMessage().contains("not supported by vxlb"));
    }

    @Test
    void argumentCountsAndTypesAreChecked() {
        RuleException e = error("srv_is_up");
        assertTrue(e.getMessage().contains("missing its <server> argument"), e.getMessage());
        assertEquals("usage: srv_is_up(<server>)", e.hint());

        e = error("srv_is_up()");
        assertTrue(e.getMessage().contains("missing its <server> argument"), e.getMessage());

        e = error("srv_is_up(bk/)");
        assertTrue(e.getMessage().contains("must name a server"), e.getMessage());

        e = error("path(x)");
        assertEquals("fetch method 'path' takes no arguments", e.getMessage());

        e = error("req.hdr(host,1,2)");
        assertTrue(e.getMessage().contains("at most 2 arguments"), e.getMessage());

        e = error("str(a),field(x,_)");
        assertTrue(e.getMessage().contains("argument 1 <index> of converter 'field' must be an integer, not 'x'"),
                e.getMessage());
        assertEquals("usage: field(<index>,<delimiters>[,<count>])", e.hint());

        e = error("str(a),field(1)");
        assertTrue(e.getMessage().contains("missing its <delimiters> argument"), e.getMessage());

        e = error("str(a),field(0,_)");
        assertTrue(e.hint().contains("start at 1"), e.hint());

        e = error("req.hdr(host,first)");
        assertTrue(e.getMessage().contains("<occ>"), e.getMessage());

        e = error("req.hdr(host),lower(x)");
        assertEquals("converter 'lower' takes no arguments", e.getMessage());

        e = error("req.hdr(host),map_dom");
        assertTrue(e.getMessage().contains("missing its <file> argument"), e.getMessage());

        e = error("req.hdr(host),json(latin1)");
        assertTrue(e.hint().contains("utf8s"), e.hint());

        e = error("int(1),add(foo)");
        assertTrue(e.hint().contains("add(txn.count)"), e.hint());

        e = error("var(count)");
        assertTrue(e.hint().contains("txn."), e.hint());

        e = error("url,regsub(a,b,x)");
        assertTrue(e.getMessage().contains("invalid regex flag 'x'"), e.getMessage());

        e = error("url,regsub(\"(a\",b)");
        assertTrue(e.getMessage().startsWith("invalid regex '(a'"), e.getMessage());

        assertEquals(List.of(",", "", "x"), SampleExprParser.parse("str(a),add_item(',',,x)").converters().get(0).args());
        assertTrue(error("str(a),add_item(',')").hint().contains("add_item(<delim>"));

        e = error("bool(maybe)");
        assertTrue(e.hint().contains("bool(true)"), e.hint());
    }

    @Test
    void convertersMustAcceptTheSampleType() {
        RuleException e = error("method,add(1)");
        assertEquals("converter 'add' takes integer input and cannot be applied to the method sample of 'method'",
                e.getMessage());
        // string samples cast to integers, IPs to strings
        assertEquals(SampleType.INTEGER, SampleExprParser.parse("req.hdr(x),add(1)").outputType());
        assertEquals(SampleType.STRING, SampleExprParser.parse("src,lower").outputType());
    }

    @Test
    void syntaxErrors() {
        assertTrue(error("req.hdr(host").getMessage().startsWith("missing ')'"));
        assertTrue(error("req.hdr('host)").getMessage().startsWith("unterminated quote"));
        assertTrue(error("req.hdr(host)lower").getMessage().startsWith("missing comma after fetch method 'req.hdr'"));
        assertTrue(error("").getMessage().startsWith("missing fetch method"));
        // trailing and doubled commas are tolerated by 2.6
        assertEquals(List.of("lower"), convNames(SampleExprParser.parse("req.hdr(host),,lower,")));
    }

    @Test
    void prefixParsingStopsAtTheFirstForeignCharacter() {
        SampleExprParser.Prefix p = SampleExprParser.parsePrefix("%[req.hdr(Host),lower]%[url]", 2);
        assertEquals("req.hdr(Host),lower", p.expr().text());
        assertEquals(']', "%[req.hdr(Host),lower]%[url]".charAt(p.end()));
        RuleException e = assertThrows(RuleException.class, () -> SampleExprParser.parsePrefix("%[src,]", 2));
        assertNotNull(e.getMessage());
    }
}
