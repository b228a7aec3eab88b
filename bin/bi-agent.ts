#!/usr/bin/env node
console.log('bi-agent: not wired yet');
