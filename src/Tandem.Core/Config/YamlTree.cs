using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Tandem.Core.Config;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/>s from YamlDotNet's parser events. YamlDotNet's own representation model
/// throws at the first duplicate key; the config loader wants to report it with every other problem instead.
/// </summary>
internal static partial class YamlTree
{
    private const int MaxDepth = 64;

    /// <summary>The documents of <paramref name="text"/>; throws <see cref="YamlException"/> on a syntax error.</summary>
    public static List<YamlNode?> Parse(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var documents = new List<YamlNode?>();
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                YamlNode? root = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors, 0);
                parser.Consume<DocumentEnd>();
                documents.Add(root ?? new YamlScalar((int)start.Start.Line, (int)start.Start.Column, null, false));
            }
            parser.Consume<StreamEnd>();
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws a bare InvalidOperationException, not a YamlException, when a line inside a
            // flow collection is indented less than the collection: what a missing ']' or '}' looks like.
            var at = scanner.CurrentPosition;
            throw new YamlException(at, at, "found a line indented less than the enclosing [ ] or { }; is a closing ']' or '}' missing?");
        }
        catch (YamlException ex) when (UnquotedBracketValue(text, ex) is { } hint)
        {
            throw hint;
        }
        return documents;
    }

    /// <summary>
    /// An IPv6 address written unquoted (<c>bind: [::]:80</c>) starts a YAML flow list, and the text after its <c>]</c>
    /// is then a syntax error far from the cause. When the error's line has a value that starts with <c>[</c> before
    /// the error, say so at the <c>[</c> and show the value quoted.
    /// </summary>
    private static YamlException? UnquotedBracketValue(string text, YamlException error)
    {
        var lineNumber = (int)error.Start.Line;
        var lines = text.Split('\n');
        if (lineNumber < 1 || lineNumber > lines.Length)
        {
            return null;
        }
        var match = BracketValue().Match(lines[lineNumber - 1].TrimEnd('\r'));
        // The list must have closed before the error: text after its ']' is what YamlDotNet trips over.
        var close = match.Success ? lines[lineNumber - 1].IndexOf(']', match.Groups["value"].Index) : -1;
        if (close < 0 || close + 1 >= error.Start.Column)
        {
            return null;
        }
        var value = match.Groups["value"].Value.TrimEnd();
        var at = new Mark(error.Start.Index, lineNumber, match.Groups["value"].Index + 1);
        return new YamlException(at, at, $"a value starting with '[' is read as a YAML list; quote it: {match.Groups["key"].Value}: \"{value}\"");
    }

    /// <summary>YamlDotNet's message without its "(Line: 1, Col: 2, Idx: 3) - (…): " prefix.</summary>
    public static string Message(YamlException exception) => PositionPrefix().Replace(exception.Message, "");

    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors, int depth)
    {
        // Far deeper than any config; without a limit, pathological nesting would overflow the stack and end the process.
        if (depth > MaxDepth)
        {
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, $"nested more than {MaxDepth} levels deep");
        }
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
        }
        YamlNode node;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            node = new YamlScalar((int)scalar.Start.Line, (int)scalar.Start.Column, scalar.Value, scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
            Remember(anchors, scalar.Anchor, node);
            return node;
        }
        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, anchors, depth + 1));
            }
            node = new YamlSequence((int)sequenceStart.Start.Line, (int)sequenceStart.Start.Column, items, sequenceStart.Style == SequenceStyle.Flow);
            Remember(anchors, sequenceStart.Anchor, node);
            return node;
        }
        var mappingStart = parser.Consume<MappingStart>();
        var pairs = new List<KeyValuePair<YamlScalar, YamlNode>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = ReadNode(parser, anchors, depth + 1);
            var key = keyNode as YamlScalar
                ?? throw new YamlException(new Mark(0, keyNode.Line, keyNode.Column), new Mark(0, keyNode.Line, keyNode.Column), "keys must be plain values");
            pairs.Add(new(key, ReadNode(parser, anchors, depth + 1)));
        }
        node = new YamlMapping((int)mappingStart.Start.Line, (int)mappingStart.Start.Column, pairs);
        Remember(anchors, mappingStart.Anchor, node);
        return node;
    }

    private static void Remember(Dictionary<string, YamlNode> anchors, AnchorName anchor, YamlNode node)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    /// <summary><c>key: [...</c> on one line (optionally as a list item), up to a <c> #</c> comment.</summary>
    [GeneratedRegex(@"^\s*(?:-\s+)?(?<key>[^\s:#'""][^:#]*?):\s+(?<value>\[[^#]*?)(?:\s+#.*)?$")]
    private static partial Regex BracketValue();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();
}
