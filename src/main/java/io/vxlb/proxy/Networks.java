package io.vxlb.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code except NET} matching for forwardfor/originalto: an address inside an IPv4/IPv6 CIDR. */
final class Networks {
    private Networks() {}

    static boolean contains(String network, String address) {
        if (network == null) return false;
        try {
            int slash = network.indexOf('/');
            byte[] net = InetAddress.getByName(slash < 0 ? network : network.substring(0, slash)).getAddress();
            byte[] addr = InetAddress.getByName(address).getAddress();
            if (net.length != addr.length) return false;
            int bits = net.length * 8;
            if (slash >= 0) {
                String m = network.substring(slash + 1);
                bits = m.indexOf('.') >= 0 ? Integer.bitCount(java.nio.ByteBuffer.wrap(InetAddress.getByName(m).getAddress()).getInt()) : Integer.parseInt(m);
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((net[i / 8] & mask) != (addr[i / 8] & mask)) return false;
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
