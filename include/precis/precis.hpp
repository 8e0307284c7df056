#pragma once
/// @file precis.hpp
/// Umbrella header: everything public in precis.

#include "precis/error.hpp"
#include "precis/metrics/bleu.hpp"
#include "precis/metrics/chrf.hpp"
#include "precis/metrics/rouge.hpp"
#include "precis/metrics/sacrebleu_tokenize.hpp"
#include "precis/record.hpp"
#include "precis/score.hpp"
#include "precis/text/analyzed_text.hpp"
#include "precis/text/normalize.hpp"
#include "precis/text/porter.hpp"
#include "precis/text/sentences.hpp"
#include "precis/text/snowball.hpp"
#include "precis/text/tokenize.hpp"
#include "precis/text/utf8.hpp"
#include "precis/version.hpp"
