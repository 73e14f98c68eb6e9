#!/usr/bin/env bash
# Build or tear down the sealed NAT lab: Linux network namespaces joined by a bridge that plays "the
# internet", with a relay, a public host, a STUN server, and two hosts each behind its own NAT router
# (router a also runs a UPnP IGD / NAT-PMP daemon).
#
#   lab.sh up [--symmetric] [--delay MS]   create everything (removes leftovers of an old run first)
#   lab.sh down                            remove everything this script made
#
# No namespace has a link to the machine's real network: the only interfaces are veth pairs between
# lab namespaces, so the "public" 11.0.0.0/24 addresses below (public to libp2p, which refuses to
# treat 10/8, 100.64/10, 198.18/15 and the documentation ranges as public) never leave the lab.
set -euo pipefail

PREFIX=awl                     # every namespace we make starts with this, so `down` finds them all
INET=11.0.0                    # the sealed "internet" segment
RELAY_IP=$INET.1
PUBLIC_IP=$INET.2
STUN_IP=$INET.3               # coturn, STUN only (ICE learns each NATed node's public address here)
STUN_PORT=3478
# name  wan-ip      lan-prefix
NATS=("a $INET.11 192.168.1" "b $INET.12 192.168.2")

ns () { echo "$PREFIX-$1"; }
in_ns () { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

down () {
  # Deleting a namespace deletes its interfaces (and the veth peers with them).
  for n in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$n" 2>/dev/null || true
  done
  rm -f /tmp/$PREFIX-miniupnpd-*
}

# A veth pair from namespace $1 (interface $2) to the bridge namespace (port $3).
link_to_inet () {
  ip link add "$2" netns "$(ns "$1")" type veth peer name "$3" netns "$(ns inet)"
  in_ns inet ip link set "$3" master br0 up
  in_ns "$1" ip link set "$2" up
}

up () {
  local symmetric=0 delay=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --symmetric) symmetric=1 ;;
      --delay) delay=$2; shift ;;
      *) echo "lab.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  down
  # A half-built lab is worse than none: undo everything if any step fails.
  trap down ERR
  for n in inet relay pub; do ip netns add "$(ns "$n")"; in_ns "$n" ip link set lo up; done
  in_ns inet ip link add br0 type bridge
  in_ns inet ip link set br0 up

  link_to_inet relay eth0 p-relay; in_ns relay ip addr add "$RELAY_IP/24" dev eth0
  link_to_inet pub eth0 p-pub;     in_ns pub ip addr add "$PUBLIC_IP/24" dev eth0

  # A real STUN server on "the internet": Debian's coturn, STUN only (no TURN relaying, no auth), no
  # CLI, logging to stdout (discarded). It dies with its namespace in `down`.
  if command -v turnserver >/dev/null; then
    ip netns add "$(ns stun)"; in_ns stun ip link set lo up
    link_to_inet stun eth0 p-stun; in_ns stun ip addr add "$STUN_IP/24" dev eth0
    in_ns stun setsid turnserver --stun-only --no-cli --no-tls --no-dtls --listening-ip "$STUN_IP" \
      --listening-port "$STUN_PORT" --log-file stdout --simple-log --no-stdout-log >/dev/null 2>&1 < /dev/null &
  fi

  for spec in "${NATS[@]}"; do
    read -r n wan lan <<< "$spec"
    ip netns add "$(ns "rt$n")"; ip netns add "$(ns "$n")"
    in_ns "rt$n" ip link set lo up; in_ns "$n" ip link set lo up
    link_to_inet "rt$n" wan "p-rt$n"
    in_ns "rt$n" ip addr add "$wan/24" dev wan
    ip link add lan netns "$(ns "rt$n")" type veth peer name eth0 netns "$(ns "$n")"
    in_ns "rt$n" ip addr add "$lan.1/24" dev lan; in_ns "rt$n" ip link set lan up
    in_ns "$n" ip addr add "$lan.2/24" dev eth0; in_ns "$n" ip link set eth0 up
    in_ns "$n" ip route add default via "$lan.1"
    in_ns "rt$n" sysctl -qw net.ipv4.ip_forward=1
    # Masquerade keeps the source port when it can (endpoint-independent mapping, like a home
    # router); `random-fully` picks a new port per connection, which behaves like a symmetric NAT.
    local how=masquerade
    [ "$symmetric" = 1 ] && how="masquerade random,fully-random"
    # Inbound: only replies to connections the inside started (address-and-port dependent filtering).
    in_ns "rt$n" nft -f - <<EOF
table ip natlab {
  chain postnat { type nat hook postrouting priority srcnat; oifname "wan" $how; }
  # A normal home router: nothing from outside reaches the router itself unless it answers a flow
  # the router started. (A router that accepts unsolicited packets here breaks ICE: an early check
  # creates a conntrack entry for the router itself and masquerade then moves the host's port.)
  chain input {
    type filter hook input priority filter; policy drop;
    iifname "lo" accept
    iifname "lan" accept
    ct state established,related accept
  }
  chain forwardfilter {
    type filter hook forward priority filter; policy drop;
    iifname "lan" accept
    ct state established,related accept
    # Port forwards the router's UPnP daemon set up (DNAT), and nothing else.
    ct status dnat accept
  }
}
EOF
    # Router a is a UPnP IGD / NAT-PMP router: Debian's miniupnpd (nftables backend) on its LAN side.
    # It adds DNAT rules to the chains below when a host asks; secure mode: only for the asker's own IP.
    if [ "$n" = a ] && [ -x /usr/sbin/miniupnpd ]; then
      in_ns "rt$n" nft -f - <<EOF
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting_miniupnpd {
  }
}
EOF
      cat > "/tmp/$PREFIX-miniupnpd-$n.conf" <<EOF
ext_ifname=wan
listening_ip=lan
port=5000
enable_natpmp=yes
enable_upnp=yes
secure_mode=yes
system_uptime=yes
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b
allow 1024-65535 $lan.0/24 1024-65535
deny 0-65535 0.0.0.0/0 0-65535
EOF
      in_ns "rt$n" setsid /usr/sbin/miniupnpd -f "/tmp/$PREFIX-miniupnpd-$n.conf" -d -P "/tmp/$PREFIX-miniupnpd-$n.pid" \
        >/dev/null 2>&1 < /dev/null &
    fi
  done

  if [ "$delay" != 0 ]; then
    # One-way delay on every bridge port: each hop across "the internet" costs $delay ms, so a
    # direct round trip costs 2 x delay and a relayed one 4 x delay.
    for port in p-relay p-pub p-rta p-rtb $(in_ns inet ip -o link show | grep -o 'p-stun' | head -1); do
      in_ns inet tc qdisc add dev "$port" root netem delay "${delay}ms"
    done
  fi
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: lab.sh up [--symmetric] [--delay MS] | lab.sh down" >&2; exit 2 ;;
esac
