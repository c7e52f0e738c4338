import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';

/**
 * Writes the Allure results as plain files. Allure's own writer forces each file to disk (a temporary file, fsync,
 * rename): a second of a five-second run of 1086 checks and their attachments, on the run's critical path. The folder
 * is the run's own and the same process reads it back once the run ends; an interrupted run is reported as such anyway.
 */
export class ResultsWriter implements Writer {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private write(name: string, data: string | Buffer): void {
    writeFileSync(join(this.dir, name), data);
  }

  writeResult(result: { uuid: string }): void {
    this.write(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  writeGroup(group: { uuid: string }): void {
    this.write(`${group.uuid}-container.json`, JSON.stringify(group));
  }

  writeAttachment(name: string, content: Buffer): void {
    this.write(name, content);
  }

  writeAttachmentFromPath(name: string, from: string): void {
    copyFileSync(from, join(this.dir, name));
  }

  writeEnvironmentInfo(info: Parameters<Writer['writeEnvironmentInfo']>[0]): void {
    this.write('environment.properties', stringifyEnvInfo(info));
  }

  writeCategoriesDefinitions(categories: Parameters<Writer['writeCategoriesDefinitions']>[0]): void {
    this.write('categories.json', JSON.stringify(categories));
  }

  writeGlobals(name: string, globals: Parameters<Writer['writeGlobals']>[1]): void {
    this.write(name, JSON.stringify(globals));
  }
}
