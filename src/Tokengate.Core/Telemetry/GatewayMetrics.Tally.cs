using System.Diagnostics;
using Tokengate.Accounting;

namespace Tokengate.Telemetry;

internal sealed partial class GatewayMetrics
{
    /// <summary>
    /// A batch's counter increments summed per tag set (consumer, group and pool; priority and status class; service
    /// tiers; backend and pool), then added to the instruments once per tag set. Used under <see cref="GatewayMetrics"/>'
    /// lock by one writer at a time; emptied by each flush, so consumers gone quiet hold nothing.
    /// </summary>
    private sealed class CounterTally
    {
        private readonly Dictionary<(string Consumer, string Group, string Pool), ConsumerSums> _consumers = [];
        private readonly Dictionary<(string Consumer, string Group, string Pool, string StatusClass), long> _requests = [];
        private readonly Dictionary<(string Priority, string StatusClass), long> _priorities = [];
        private readonly Dictionary<(string Requested, string Served), long> _serviceTiers = [];
        private readonly Dictionary<(string Backend, string Pool), TokenSums> _backends = [];

        public void Add(UsageRecord r, string group, string pool)
        {
            var statusClass = TelemetryTags.StatusClassOf(r.Status);
            Increment(_requests, (r.Consumer, group, pool, statusClass), 1);
            if (r.Priority is { } priority) Increment(_priorities, (priority, statusClass), 1);
            if (r.Backend is not null && r.Operation is { TakesServiceTier: true } && (r.SentServiceTier ?? r.ServiceTier) is not null)
                Increment(_serviceTiers, (r.SentServiceTier ?? TelemetryTags.NoServiceTier, r.ServiceTier ?? TelemetryTags.NoServiceTier), 1);

            var key = (r.Consumer, group, pool);
            if (!_consumers.TryGetValue(key, out var sums)) _consumers[key] = sums = new ConsumerSums();
            if (r.Rejected) sums.Rejections++;
            sums.Cost += r.CostUsd;
            sums.Tokens.Add(r.PromptTokens, r.CompletionTokens);
            if (!r.Media.IsEmpty) sums.Media.Add(r.Media);

            if (r.Backend is null) return;
            if (!_backends.TryGetValue((r.Backend, pool), out var backend)) _backends[(r.Backend, pool)] = backend = new TokenSums();
            backend.Add(r.PromptTokens, r.CompletionTokens);
        }

        public void Flush(GatewayMetrics m)
        {
            foreach (var ((consumer, group, pool, statusClass), count) in _requests)
                m._consumerRequests.Add(count, new TagList { { TelemetryTags.Consumer, consumer }, { TelemetryTags.Group, group }, { TelemetryTags.Pool, pool }, { TelemetryTags.StatusClass, statusClass } });
            foreach (var ((priority, statusClass), count) in _priorities)
                m._priorityRequests.Add(count, new TagList { { TelemetryTags.Priority, priority }, { TelemetryTags.StatusClass, statusClass } });
            foreach (var ((requested, served), count) in _serviceTiers)
                m._serviceTierRequests.Add(count, new TagList { { TelemetryTags.ServiceTierRequested, requested }, { TelemetryTags.ServiceTierServed, served } });
            foreach (var ((consumer, group, pool), sums) in _consumers)
            {
                var tags = new TagList { { TelemetryTags.Consumer, consumer }, { TelemetryTags.Group, group }, { TelemetryTags.Pool, pool } };
                if (sums.Rejections > 0) m._rejections.Add(sums.Rejections, tags);
                if (sums.Cost != 0) m._consumerCost.Add((double)sums.Cost, tags);
                AddTokens(m._consumerTokens, tags, sums.Tokens.Input, sums.Tokens.Output);
                sums.Media.Flush(m, tags);
            }
            foreach (var ((backend, pool), sums) in _backends)
                AddTokens(m._backendTokens, new TagList { { TelemetryTags.Backend, backend }, { TelemetryTags.Pool, pool } }, sums.Input, sums.Output);
            _requests.Clear();
            _priorities.Clear();
            _serviceTiers.Clear();
            _consumers.Clear();
            _backends.Clear();
        }

        private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key, long by) where TKey : notnull =>
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _) += by;
    }

    private sealed class TokenSums
    {
        public long Input;
        public long Output;

        public void Add(long input, long output)
        {
            Input += input;
            Output += output;
        }
    }

    private sealed class ConsumerSums
    {
        public long Rejections;
        public decimal Cost;
        public readonly TokenSums Tokens = new();
        public readonly MediaSums Media = new();
    }

    /// <summary>Audio and image tokens by direction, and the units media models bill in.</summary>
    private sealed class MediaSums
    {
        private long _audioInput, _audioOutput, _imageInput, _imageOutput;
        private double _images, _audioSeconds, _characters;

        public void Add(MediaUsage media)
        {
            _audioInput += media.AudioInputTokens;
            _audioOutput += media.AudioOutputTokens;
            _imageInput += media.ImageInputTokens;
            _imageOutput += media.ImageOutputTokens;
            _images += media.Images;
            _audioSeconds += media.AudioSeconds;
            _characters += media.Characters;
        }

        public void Flush(GatewayMetrics m, TagList consumer)
        {
            void Tokens(long count, string type, string modality)
            {
                if (count <= 0) return;
                var tags = consumer;
                tags.Add(TelemetryTags.TokenType, type);
                tags.Add(TelemetryTags.Modality, modality);
                m._consumerMediaTokens.Add(count, tags);
            }
            void Units(double count, string unit)
            {
                if (count <= 0) return;
                var tags = consumer;
                tags.Add(TelemetryTags.MediaUnit, unit);
                m._consumerMediaUnits.Add(count, tags);
            }
            Tokens(_audioInput, TelemetryTags.Input, "audio");
            Tokens(_audioOutput, TelemetryTags.Output, "audio");
            Tokens(_imageInput, TelemetryTags.Input, "image");
            Tokens(_imageOutput, TelemetryTags.Output, "image");
            Units(_images, "image");
            Units(_audioSeconds, "audio_second");
            Units(_characters, "character");
        }
    }
}
