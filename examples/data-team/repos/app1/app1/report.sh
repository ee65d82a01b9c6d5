#!/bin/sh
# app1: builds the daily report.
echo "app1 report v1"
