import { cpus, loadavg } from 'node:os';
import { natsServerVersion } from './stack/nats.js';

export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  node: string;
  natsServer: string;
  portkey: string;
  /** 1-minute load average when the run started: other work on the machine skews results. */
  loadAtStart: number;
}

export function machineInfo(portkeyVersion: string): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    natsServer: natsServerVersion(),
    portkey: portkeyVersion,
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
