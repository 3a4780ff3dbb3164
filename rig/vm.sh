#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel in QEMU (TCG; KVM hangs on these machines).
# Usage: vm.sh MODE INITRD [LOGDIR]
#   check, fuzz, bench: console to LOGDIR/console.log, test output to
#          LOGDIR/tests.log
#   demo:  guest console on stdout, kernel quiet
#   shell: interactive console on stdin/stdout
. "$(dirname "$0")/lib.sh"

mode=$1 initrd=$2 logdir=${3:-$OUT}
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "${VM_MEM:-3072}" -smp 2 -no-reboot
      -kernel "$OBJ/arch/x86/boot/bzImage" -initrd "$initrd" -display none -monitor none)
# no5lvl: with 5-level paging, an interrupt that comes while identify_cpu()
# has cleared boot_cpu_data's feature bits (before alternatives are applied)
# makes KASAN take a direct-map address for a wild one: a false "BUG: KASAN:
# wild-memory-access in rcu_is_watching" at boot, about one boot in ten here.
append="console=ttyS0 panic=-1 no5lvl ckpt.mode=$mode ${CKPT_TESTS:+ckpt.tests=$CKPT_TESTS} ${VM_APPEND:-}"
case $mode in
check|bench|fuzz)
	rm -f "$logdir/console.log" "$logdir/tests.log"
	timeout "${VM_TIMEOUT:-900}" "${qemu[@]}" -append "$append" \
		-serial "file:$logdir/console.log" -serial "file:$logdir/tests.log" </dev/null
	;;
demo)
	"${qemu[@]}" -append "$append quiet" -serial stdio -serial null </dev/null
	;;
shell)
	"${qemu[@]}" -append "$append quiet" -serial mon:stdio -serial null
	;;
*)
	die "unknown mode $mode"
	;;
esac
