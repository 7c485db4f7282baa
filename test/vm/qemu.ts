import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireTool } from '../../tools/src/toolchain';
import { runProgram } from '../../tools/src/toolchain/run';

const ROOT = path.resolve(__dirname, '../..');

/** The cached VM disk (scripts/vm-disk.sh builds it once): disk.raw, vmlinuz, initrd.img, base.tar. */
export function vmDisk(): string {
  const r = runProgram('bash', [path.join(ROOT, 'scripts', 'vm-disk.sh')], { timeoutMs: 3_600_000 });
  if (r.status !== 0) throw new Error(`scripts/vm-disk.sh failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  return r.stdout.trim().split('\n').pop() as string;
}

export interface BootOptions {
  disk: string;
  /** Shared read-only as /mnt/work. */
  workspace: string;
  /** Shared read-write as /mnt/results; must hold entry.sh, which the guest runs as its user. */
  results: string;
  /** Scratch space for the copy-on-write overlay. */
  scratch: string;
  timeoutMs: number;
  /** Each console line, as it comes (progress). */
  onLine: (line: string) => void;
}

export interface BootResult {
  /** entry.sh's exit status on each boot that reached the guest's run unit (undefined where it wrote none). */
  exitCodes: (number | undefined)[];
  timedOut: boolean;
  /** Boots lost to a guest kernel panic before the run unit started, each booted again. */
  kernelPanics: string[];
  seconds: number;
}

/**
 * How many boots a run may lose to a guest kernel panic before any of the scenario ran. Multi-
 * threaded TCG has a known, rare race with the kernel's live patching of its own text (a vCPU
 * meets the int3 another has just replaced: "Oops: int3" a few seconds into a boot, seen once in
 * CI here with Debian bookworm's qemu 7.2). Nothing of the Forge has run at that point, and
 * booting the same disk again is one more power cycle, so the run boots again instead of failing.
 */
const MAX_KERNEL_PANICS = 2;

/**
 * Boots the disk once under qemu (TCG by default: LYCHD_VM_ACCEL=kvm where KVM works) with the
 * kernel and initramfs taken from its /boot, on a copy-on-write overlay so the cached disk is
 * never written. The guest runs entry.sh as its user and powers off, and is booted again while it
 * leaves <results>/reboot behind (or when its kernel panicked before entry.sh could start: see
 * MAX_KERNEL_PANICS); the run is killed after timeoutMs in all.
 */
export async function boot(o: BootOptions): Promise<BootResult> {
  const qemu = requireTool('qemu-system-x86_64');
  const overlay = path.join(o.scratch, 'overlay.qcow2');
  const img = runProgram(requireTool('qemu-img'), [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-b',
    path.join(o.disk, 'disk.raw'),
    '-F',
    'raw',
    overlay,
  ]);
  if (img.status !== 0) throw new Error(`qemu-img create failed: ${img.stderr}`);
  fs.chmodSync(o.results, 0o777);
  // Under TCG the baseline x86-64 CPU is the fastest: with `max` the guest's programs take their
  // AVX2 and SHA paths, which TCG emulates slowly (sha256sum 3x, loading an image 1.3x slower).
  const accel = process.env.LYCHD_VM_ACCEL === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'qemu64'];
  const args = [
    ...accel,
    '-machine',
    'q35',
    '-smp',
    '2',
    '-m',
    '3072',
    '-nographic',
    '-no-reboot',
    '-kernel',
    path.join(o.disk, 'vmlinuz'),
    '-initrd',
    path.join(o.disk, 'initrd.img'),
    '-append',
    // mitigations=off: the guest's Spectre mitigations (retpolines, barriers) cost TCG translated
    // code and protect nothing in a throwaway test VM.
    'console=ttyS0 root=/dev/vda rw panic=-1 quiet systemd.show_status=error mitigations=off',
    '-drive',
    // cache=unsafe: the guest's flushes (podman, PostgreSQL, the Gate's fsyncs) do not reach the
    // host's disk; the overlay is thrown away after the run, and a power cycle is a clean qemu exit.
    `file=${overlay},format=qcow2,if=virtio,cache=unsafe`,
    '-virtfs',
    `local,path=${o.workspace},mount_tag=workspace,security_model=none,readonly=on`,
    '-virtfs',
    `local,path=${o.results},mount_tag=results,security_model=none`,
    // A NIC so rootless podman's pasta has an interface; restrict=on: no way out of the VM.
    '-nic',
    'user,model=virtio-net-pci,restrict=on',
  ];
  const started = Date.now();
  let timedOut = false;
  const exitCodes: (number | undefined)[] = [];
  const kernelPanics: string[] = [];
  // The guest asks for another boot on the same disk (a power cycle: the pod must come back
  // by itself) by leaving <results>/reboot before it powers off.
  const reboot = path.join(o.results, 'reboot');
  const codeFile = path.join(o.results, 'exit-code');
  for (let again = true; again && !timedOut;) {
    fs.rmSync(reboot, { force: true });
    fs.rmSync(codeFile, { force: true });
    if (exitCodes.length > 0) o.onLine('== power cycle: the guest asked to boot again on the same disk');
    const q = await runQemu(qemu, args, started + o.timeoutMs - Date.now(), o.onLine);
    timedOut = q.timedOut;
    if (!timedOut && q.panic && !q.ranUnit && kernelPanics.length < MAX_KERNEL_PANICS) {
      kernelPanics.push(q.panic);
      o.onLine(`== the guest kernel panicked before the scenario's unit started (${q.panic}): booting the same disk again`);
      continue;
    }
    exitCodes.push(fs.existsSync(codeFile) ? Number(fs.readFileSync(codeFile, 'utf8').trim()) : undefined);
    again = fs.existsSync(reboot);
  }
  fs.rmSync(overlay, { force: true });
  return { exitCodes, timedOut, kernelPanics, seconds: Math.round((Date.now() - started) / 1000) };
}

interface QemuRun {
  /** Killed at the deadline. */
  timedOut: boolean;
  /** The console's first oops or panic line, when the guest kernel panicked. */
  panic?: string;
  /** The guest's run unit (lychd-vm-run) started: its first console line was seen. */
  ranUnit: boolean;
}

/** One run of qemu until the guest powers off (or its kernel panics: panic=-1 and -no-reboot). */
async function runQemu(qemu: string, args: string[], timeoutMs: number, onLine: (line: string) => void): Promise<QemuRun> {
  const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = '';
  let oops: string | undefined;
  let panicked = false;
  let ranUnit = false;
  const line = (raw: string) => {
    // eslint-disable-next-line no-control-regex
    const text = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    if (/^lychd-vm: /.test(text)) ranUnit = true;
    const kernel = text.replace(/^\[\s*[0-9.]+\]\s*/, '');
    if (/^(Oops|BUG|Kernel panic)\b/.test(kernel)) oops ??= kernel;
    if (/^Kernel panic - not syncing/.test(kernel)) panicked = true;
    onLine(text);
  };
  const feed = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? '';
    for (const part of parts) line(part);
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      child.kill('SIGKILL');
    },
    Math.max(timeoutMs, 0),
  );
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(timer);
  if (pending) line(pending);
  return { timedOut, ranUnit, ...(panicked ? { panic: oops ?? 'Kernel panic' } : {}) };
}
