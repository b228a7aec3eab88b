#!/usr/bin/env node
/** The CDK app: `npx cdk synth|deploy [-c stage=dev|staging|prod]`. See docs/deploy.md. */
import { App } from 'aws-cdk-lib';
import { createStacks } from '../lib/app.ts';

createStacks(new App(), { nag: true });
